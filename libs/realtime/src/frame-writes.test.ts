import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { corkUntilNextTurn, encodedFrame } from './frame-writes.js';

describe('encodedFrame', () => {
  it('encodes a frame once for all the viewers it goes to in turn, and the next frame anew', () => {
    const frame = JSON.stringify({ type: 'message', text: 'héllo' });
    const first = encodedFrame(frame);
    expect(first.toString('utf8')).toBe(frame);
    expect(encodedFrame(frame)).toBe(first);
    const next = encodedFrame(`${frame} `);
    expect(next).not.toBe(first);
    expect(next.toString('utf8')).toBe(`${frame} `);
  });
});

describe('corkUntilNextTurn', () => {
  it('holds what is written to a socket until the next turn, then sends it all in one write', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const [[peer], client] = await Promise.all([
      once(server, 'connection') as Promise<[Socket]>,
      (async () => {
        const socket = connect(port, '127.0.0.1');
        await once(socket, 'connect');
        return socket;
      })(),
    ]);
    const chunks: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
    corkUntilNextTurn(client);
    corkUntilNextTurn(client);
    for (const text of ['a', 'b', 'c']) client.write(text);
    expect(client.writableCorked).toBe(1);
    expect(client.writableLength).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    client.destroy();
    peer.destroy();
    server.close();
  });
});
