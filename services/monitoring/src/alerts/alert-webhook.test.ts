import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import type { Alert } from './alert-tracker.js';
import { AlertWebhook } from './alert-webhook.js';

const log = createLogger({ service: 'test', level: 'silent' });
const SECRET = 'whsec-test-0123456789';

const alert: Alert = {
  id: 'stream_stalled{room=demo}',
  rule: 'stream_stalled',
  severity: 'critical',
  labels: { room: 'demo' },
  status: 'firing',
  startsAtMs: 1_767_225_600_000,
  endsAtMs: null,
  summary: 'room demo: no media for 7.0 s',
};

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

/** What a receiver does (README): HMAC-SHA256 over "<timestamp>.<raw body>", compared in constant time. */
function verify(secret: string, r: Received): boolean {
  const timestamp = String(r.headers['x-onair-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const got = Buffer.from(String(r.headers['x-onair-signature']));
  return got.length === expected.length && timingSafeEqual(got, Buffer.from(expected));
}

let server: Server | undefined;
let webhook: AlertWebhook | undefined;

afterEach(async () => {
  await webhook?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** A real local HTTP receiver answering each request with the next status of `statuses` (then 204). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}/hook`, received };
}

describe('AlertWebhook', () => {
  it('POSTs each alert as JSON with a signature over the timestamp and the raw body', async () => {
    const { url, received } = await receiver([]);
    webhook = new AlertWebhook({ url, secret: SECRET, log: log });
    webhook.send(alert);
    webhook.send({ ...alert, status: 'resolved', endsAtMs: alert.startsAtMs + 9000 });
    await waitFor(() => received.length === 2, { timeoutMs: 5000 });
    expect(received.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { version: 1, alert },
      { version: 1, alert: { ...alert, status: 'resolved', endsAtMs: alert.startsAtMs + 9000 } },
    ]);
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(r.headers['x-onair-timestamp']) - Date.now())).toBeLessThan(5000);
      expect(verify(SECRET, r)).toBe(true);
      expect(verify('another-secret', r)).toBe(false);
      expect(verify(SECRET, { ...r, body: r.body.replace('demo', 'demp') })).toBe(false);
      expect(verify(SECRET, { ...r, headers: { ...r.headers, 'x-onair-timestamp': '1' } })).toBe(false);
    }
  });

  it('retries a failed delivery with backoff, then goes on in order; gives up after `attempts`', async () => {
    const { url, received } = await receiver([500, 503, 204, 500, 500, 500]);
    webhook = new AlertWebhook({ url, secret: SECRET, log: log, backoffMs: 50, attempts: 3 });
    const started = Date.now();
    webhook.send(alert);
    webhook.send({ ...alert, id: 'second' });
    webhook.send({ ...alert, id: 'third' });
    await waitFor(() => received.length >= 7, { timeoutMs: 5000 });
    // 50 + 100 ms of backoff before the first alert got through, 50 + 100 ms more before the second was dropped;
    // the third goes out next.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.map((r) => (JSON.parse(r.body) as { alert: Alert }).alert.id)).toEqual([
      alert.id,
      alert.id,
      alert.id,
      'second',
      'second',
      'second',
      'third',
    ]);
  });

  it('keeps at most `queueSize` alerts waiting behind the one in flight, dropping the oldest', async () => {
    const { url, received } = await receiver([500, 500, 500, 500, 500]);
    webhook = new AlertWebhook({ url, secret: SECRET, log, attempts: 1, queueSize: 2 });
    for (const id of ['1', '2', '3', '4', '5']) webhook.send({ ...alert, id });
    await waitFor(() => received.length >= 3, { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((r) => (JSON.parse(r.body) as { alert: Alert }).alert.id)).toEqual(['1', '4', '5']);
  });
});
