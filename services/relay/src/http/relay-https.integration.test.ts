import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaHub } from '@onair/media';
import { createLogger, createMetricsRegistry } from '@onair/runtime';
import { makeSelfSignedCert } from '@onair/testing';
import { RoomStreams } from '../hls/room-streams.js';
import { createRelayMetrics } from '../telemetry/relay-metrics.js';
import { llFeeder } from '../testing/ll-feeder.js';
import { ViewerTracker } from '../viewers/viewer-tracker.js';
import { createRelayHttp, type RelayHttp } from './relay-http.js';

/** The relay's HTTPS listener with a certificate openssl made for 127.0.0.1: HTTP/2 by ALPN, and HTTP/1.1. */
describe('relay HTTPS (TLS, ALPN h2 and http/1.1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-tls-'));
  const files = makeSelfSignedCert(dir);
  let http: RelayHttp;
  let port: number;

  beforeAll(async () => {
    const hub = new MediaHub();
    const feed = llFeeder(hub);
    feed.start();
    feed.init('source');
    feed.part('source');
    const viewers = new ViewerTracker();
    const registry = createMetricsRegistry('relay');
    http = createRelayHttp({
      log: createLogger({ service: 'relay', level: 'silent' }),
      registry,
      metrics: createRelayMetrics(registry, viewers),
      streams: new RoomStreams(hub, { lingerMs: 1000 }),
      viewers,
      health: () => ({}),
    });
    await http.listen('127.0.0.1', 0);
    port = await http.listenTls('127.0.0.1', 0, files);
  });

  afterAll(async () => {
    await http?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HLS over HTTP/2 to a client that offers h2', async () => {
    const session = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = session.request({ ':path': '/hls/demo/source/index.m3u8' });
        let status = 0;
        let body = '';
        req.on('response', (headers) => (status = Number(headers[':status'])));
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => resolve({ status, body }));
        req.on('error', reject);
      });
      expect(session.alpnProtocol).toBe('h2');
      expect(status).toBe(200);
      expect(body).toContain('#EXT-X-PART-INF:PART-TARGET=0.250');
    } finally {
      session.close();
    }
  });

  it('serves HLS over HTTP/1.1 to a client that does not offer h2', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      get(
        { host: '127.0.0.1', port, path: '/hls/demo/master.m3u8', rejectUnauthorized: false, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      ).on('error', reject);
    });
    expect(status).toBe(200);
  });
});
