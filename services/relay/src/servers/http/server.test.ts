import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import type { HttpHandler } from './conn.js';
import type { HttpAnswer } from './response-head.js';
import { HttpServer } from './server.js';

const log = createLogger({ service: 'relay', level: 'silent' });

/** Answers `/wait/<ms>` after that long, anything else at once, with the target as the body. */
const handler: HttpHandler = (req) => {
  const answer: HttpAnswer = { status: 200, headers: [['content-type', 'text/plain']], body: Buffer.from(req.target) };
  const wait = /^\/wait\/(\d+)$/.exec(req.target);
  return wait ? new Promise((resolve) => setTimeout(() => resolve(answer), Number(wait[1]))) : answer;
};

/** A raw client: writes bytes, collects everything the server sends until it closes or `ms` pass. */
async function exchange(port: number, write: (socket: Socket) => void, ms = 500): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  await new Promise((resolve) => socket.once('connect', resolve));
  write(socket);
  await Promise.race([new Promise((resolve) => socket.once('close', resolve)), new Promise((r) => setTimeout(r, ms))]);
  socket.destroy();
  return text;
}

const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
const bodies = (text: string): string[] =>
  text
    .split(/HTTP\/1\.1 \d{3} [^\r]*\r\n/)
    .slice(1)
    .map((r) => r.slice(r.indexOf('\r\n\r\n') + 4));

describe('the relay HTTP/1.1 server (RFC 9112)', () => {
  const servers: HttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close(200)));
  });

  async function start(limits = {}): Promise<number> {
    const server = new HttpServer({ handler, log, limits });
    servers.push(server);
    return server.listen('127.0.0.1', 0);
  }

  it('keeps a connection alive across requests, with Date and Content-Length', async () => {
    const port = await start();
    const text = await exchange(port, (s) => {
      s.write('GET /a HTTP/1.1\r\nHost: h\r\n\r\n');
      setTimeout(() => s.write('GET /b HTTP/1.1\r\nHost: h\r\n\r\n'), 50);
    });
    expect(statuses(text)).toEqual([200, 200]);
    expect(bodies(text)).toEqual(['/a', '/b']);
    expect(text).toMatch(/\r\ndate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
    expect(text).toContain('\r\ncontent-length: 2\r\n');
    expect(text).not.toContain('connection: close');
  });

  it('answers pipelined requests in order, a held one holding back those after it', async () => {
    const port = await start();
    const text = await exchange(port, (s) =>
      s.write(
        'GET /wait/150 HTTP/1.1\r\nHost: h\r\n\r\nGET /now HTTP/1.1\r\nHost: h\r\n\r\nGET /wait/20 HTTP/1.1\r\nHost: h\r\n\r\n',
      ),
    );
    expect(bodies(text)).toEqual(['/wait/150', '/now', '/wait/20']);
  });

  it('closes after a response when the client asks, and after an HTTP/1.0 request', async () => {
    const port = await start();
    const closing = await exchange(port, (s) =>
      s.write('GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n'),
    );
    expect(bodies(closing)).toEqual(['/a']);
    expect(closing).toContain('\r\nconnection: close\r\n');
    const old = await exchange(port, (s) => s.write('GET /c HTTP/1.0\r\n\r\n'));
    expect(statuses(old)).toEqual([200]);
    const kept = await exchange(port, (s) => s.write('GET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), 200);
    expect(kept).toContain('\r\nconnection: keep-alive\r\n');
  });

  it.each([
    ['a malformed request line', 400, 'GET\r\n\r\n'],
    ['a head over the limit', 431, `GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(600)}\r\n\r\n`],
    ['a request body', 413, 'GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc'],
    ['HTTP/2 in clear', 505, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ])('answers %s with %i and closes, after the responses before it', async (_name, status, bad) => {
    const port = await start({ maxHeadBytes: 512 });
    const text = await exchange(port, (s) =>
      s.write(`GET /first HTTP/1.1\r\nHost: h\r\n\r\n${bad}GET /never HTTP/1.1\r\nHost: h\r\n\r\n`),
    );
    expect(statuses(text)).toEqual([200, status]);
    expect(text).toContain('\r\nconnection: close\r\n');
    expect(text).not.toContain('/never');
  });

  it('closes a connection whose head does not arrive in time (slowloris)', async () => {
    const port = await start({ headTimeoutMs: 100 });
    const started = Date.now();
    const text = await exchange(port, (s) => s.write('GET / HTTP/1.1\r\nHost'), 2000);
    expect(text).toBe('');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('closes an idle kept-alive connection, but never one whose request is held', async () => {
    const port = await start({ idleTimeoutMs: 100 });
    const held = await exchange(port, (s) => s.write('GET /wait/300 HTTP/1.1\r\nHost: h\r\n\r\n'), 2000);
    expect(bodies(held)).toEqual(['/wait/300']);
  });

  it('answers the requests in flight when it closes, then ends the connections', async () => {
    const server = new HttpServer({ handler, log });
    const port = await server.listen('127.0.0.1', 0);
    const reply = exchange(port, (s) => s.write('GET /wait/100 HTTP/1.1\r\nHost: h\r\n\r\n'), 2000);
    await new Promise((r) => setTimeout(r, 30));
    await server.close(2000);
    const text = await reply;
    expect(bodies(text)).toEqual(['/wait/100']);
    expect(text).toContain('\r\nconnection: close\r\n');
  });
});
