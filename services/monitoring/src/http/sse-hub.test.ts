import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { createSseHub, type SseHub } from './sse-hub.js';

const log = createLogger({ service: 'test', level: 'silent' });

/** A real HTTP server on a free loopback port whose every request becomes a stream of `hub`. */
async function serve(hub: SseHub): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res: ServerResponse) => hub.open(res, 'event: snapshot\ndata: {}\n\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('createSseHub', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('streams text/event-stream: the first events, broadcasts and heartbeats, and ends on close', async () => {
    const hub = createSseHub({ log, maxClients: 2, maxBufferBytes: 65_536, heartbeatMs: 50 });
    const { server, port } = await serve(hub);
    cleanups.push(() => server.close());
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    await waitFor(() => hub.size === 1, { what: 'the stream to open' });
    hub.broadcast('event: status\ndata: 1\n\n');
    await new Promise((r) => setTimeout(r, 120));
    hub.close();
    const text = await res.text();
    expect(text.startsWith('event: snapshot\ndata: {}\n\nevent: status\ndata: 1\n\n')).toBe(true);
    expect(text).toContain(': heartbeat\n\n');
    expect(hub.size).toBe(0);
  });

  it('says when it is full', async () => {
    const hub = createSseHub({ log, maxClients: 1, maxBufferBytes: 65_536, heartbeatMs: 60_000 });
    const { server, port } = await serve(hub);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    expect(hub.full).toBe(false);
    const controller = new AbortController();
    await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    await waitFor(() => hub.full, { what: 'the hub to be full' });
    controller.abort();
    await waitFor(() => !hub.full, { what: 'the stream to close when its client goes' });
  });

  it('drops a client that does not read instead of buffering without bound', async () => {
    const maxBufferBytes = 256 * 1024;
    const hub = createSseHub({ log, maxClients: 2, maxBufferBytes, heartbeatMs: 60_000 });
    const { server, port } = await serve(hub);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause();
    await waitFor(() => hub.size === 1, { what: 'the stream to open' });
    const chunk = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    let sent = 0;
    while (hub.size > 0 && sent < 4000) {
      hub.broadcast(chunk);
      sent += 1;
      await new Promise((r) => setImmediate(r));
    }
    expect(hub.size).toBe(0);
    expect(sent).toBeLessThan(4000);
  });
});
