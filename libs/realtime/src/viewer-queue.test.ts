import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameBatch } from './room-batch.js';
import { ViewerQueue, writeIfKeepingUp } from './viewer-queue.js';

/** A connected pair of TCP sockets on loopback: `socket` writes, `peer` reads everything into `received`. */
async function socketPair(): Promise<{ socket: Socket; peer: Socket; received: () => Buffer; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const [[peer], socket] = await Promise.all([
    once(server, 'connection') as Promise<[Socket]>,
    (async () => {
      const s = connect(port, '127.0.0.1');
      await once(s, 'connect');
      return s;
    })(),
  ]);
  const chunks: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    socket,
    peer,
    received: () => Buffer.concat(chunks),
    close: () => {
      socket.destroy();
      peer.destroy();
      server.close();
    },
  };
}

/** The payloads of the unmasked frames in `bytes` after the first `skip` bytes (7-bit and 16-bit lengths). */
function payloads(bytes: Buffer, skip: number): string[] {
  const texts: string[] = [];
  for (let at = skip; at < bytes.length;) {
    let length = bytes[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    }
    texts.push(bytes.subarray(at + header, at + header + length).toString('utf8'));
    at += header + length;
  }
  return texts;
}

const batch = (...items: string[]): FrameBatch => new FrameBatch(items.map((text) => JSON.stringify({ text })));
const FILLER = 32_768;
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('ViewerQueue', () => {
  it('writes a batch at once while the socket keeps up', async () => {
    const pair = await socketPair();
    cleanup = pair.close;
    const queue = new ViewerQueue(
      pair.socket,
      { highWaterBytes: 16_384, maxQueuedBytes: 4096, maxBehindMs: 1000 },
      () => expect.unreachable(),
    );
    expect(queue.push(batch('a', 'b'))).toEqual({ written: 2, dropped: 0, stuck: false });
    expect(queue.push(batch('c'))).toEqual({ written: 1, dropped: 0, stuck: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(payloads(pair.received(), 0)).toEqual([batch('a', 'b').frame, batch('c').frame]);
  });

  it('lets a viewer without a queue write while its socket keeps up, and not once it holds too much unsent', async () => {
    const pair = await socketPair();
    cleanup = pair.close;
    const limits = { highWaterBytes: 16_384, maxQueuedBytes: 4096, maxBehindMs: 1000 };
    expect(writeIfKeepingUp(pair.socket, batch('a'), limits)).toBe(true);
    pair.socket.cork();
    pair.socket.write(Buffer.alloc(FILLER));
    expect(writeIfKeepingUp(pair.socket, batch('b'), limits)).toBe(false);
    pair.socket.uncork();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(payloads(pair.received(), 0)[0]).toBe(batch('a').frame);
    expect(pair.received()).toHaveLength(batch('a').wire.length + FILLER);
  });

  it('queues behind a full socket, drops the oldest past its bound, and writes the rest in order on drain', async () => {
    const pair = await socketPair();
    cleanup = pair.close;
    const written: Array<[number, number]> = [];
    const queue = new ViewerQueue(
      pair.socket,
      { highWaterBytes: 16_384, maxQueuedBytes: 200, maxBehindMs: 1000 },
      (items, batches) => written.push([items, batches]),
    );
    pair.socket.cork();
    pair.socket.write(Buffer.alloc(FILLER));
    const texts = Array.from({ length: 8 }, (_, i) => `t${i}`.padEnd(40, '.'));
    const outcomes = texts.map((text, i) => queue.push(batch(text), 1000 + i));
    expect(outcomes.every((o) => o.written === 0 && !o.stuck)).toBe(true);
    const dropped = outcomes.reduce((n, o) => n + o.dropped, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(queue.queued).toBe(8 - dropped);
    pair.socket.uncork();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(queue.queued).toBe(0);
    expect(written).toEqual([[8 - dropped, 8 - dropped]]);
    expect(payloads(pair.received(), FILLER)).toEqual(texts.slice(dropped).map((text) => batch(text).frame));
    expect(queue.push(batch('after'))).toEqual({ written: 1, dropped: 0, stuck: false });
  });

  it('says a viewer is stuck once its queue has not emptied for maxBehindMs', async () => {
    const pair = await socketPair();
    cleanup = pair.close;
    const queue = new ViewerQueue(
      pair.socket,
      { highWaterBytes: 16_384, maxQueuedBytes: 4096, maxBehindMs: 1000 },
      () => expect.unreachable(),
    );
    pair.socket.cork();
    pair.socket.write(Buffer.alloc(FILLER));
    expect(queue.push(batch('a'), 5000).stuck).toBe(false);
    expect(queue.push(batch('b'), 5999).stuck).toBe(false);
    expect(queue.push(batch('c'), 6000).stuck).toBe(true);
  });
});
