import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { corkUntilNextTurn, encodedFrame, wireFrame } from './frame-writes.js';

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

describe('wireFrame', () => {
  it('frames a text once as a server sends it: FIN, text opcode, no mask, the 7-, 16- or 64-bit length', () => {
    expect([...wireFrame('hi')]).toEqual([0x81, 2, 0x68, 0x69]);
    const mid = wireFrame('é'.repeat(100));
    expect([...mid.subarray(0, 4)]).toEqual([0x81, 126, 0, 200]);
    expect(mid.subarray(4).toString('utf8')).toBe('é'.repeat(100));
    const long = wireFrame('x'.repeat(70_000));
    expect([...long.subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    expect(long).toHaveLength(70_010);
  });

  it('is read by a ws client as the text it holds, between frames ws itself sends', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    const { port } = wss.address() as { port: number };
    wss.on('connection', (ws: WebSocket & { _socket: Socket }) => {
      ws.send('first');
      ws._socket.write(wireFrame('{"text":"前方高能"}'));
      ws.send('last');
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const got: string[] = [];
    client.on('message', (data: Buffer) => got.push(data.toString('utf8')));
    await new Promise<void>((resolve) => client.on('message', () => got.length === 3 && resolve()));
    expect(got).toEqual(['first', '{"text":"前方高能"}', 'last']);
    client.close();
    wss.close();
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
