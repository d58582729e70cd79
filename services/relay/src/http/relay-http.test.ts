import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaHub, initId } from '@onair/media';
import { createLogger, createMetricsRegistry } from '@onair/runtime';
import { RoomStreams } from '../hls/room-streams.js';
import { createRelayMetrics } from '../telemetry/relay-metrics.js';
import { ViewerTracker } from '../viewers/viewer-tracker.js';
import { createRelayHttp, type RelayHttp } from './relay-http.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends the path exactly as written (no URL normalisation), the way an attacker's client would. */
function raw(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { 'user-agent': 'test-player', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const INIT = Buffer.from('ftyp-moov');
const PART_A = Buffer.from('moof-mdat-a');
const PART_B = Buffer.from('moof-mdat-b');

function feed(hub: MediaHub): void {
  hub.apply('demo', {
    event: 'streamStarted',
    streamStarted: {
      room: 'demo',
      publishId: 'p1',
      startedAtMs: 1_700_000_000_000,
      targetSegmentDurationMs: 2000,
      partTargetMs: 0,
      renditions: [
        { name: 'source', codecs: 'avc1.64001e', bandwidth: 1_000_000, width: 640, height: 360, frameRate: 25 },
      ],
    },
  });
  hub.apply('demo', { event: 'initSegment', initSegment: { rendition: 'source', data: INIT } });
  [PART_A, PART_B].forEach((data, partIndex) =>
    hub.apply('demo', {
      event: 'part',
      part: {
        rendition: 'source',
        segmentSequence: 3,
        partIndex,
        data,
        durationMs: 1000,
        independent: partIndex === 0,
        programDateTimeMs: 1_700_000_000_000 + partIndex * 1000,
        videoFrames: 25,
        partSequence: 300 + partIndex,
      },
    }),
  );
  hub.apply('demo', { event: 'segmentEnd', segmentEnd: { rendition: 'source', segmentSequence: 3, durationMs: 2000 } });
}

describe('relay HTTP server', () => {
  const hub = new MediaHub({ windowSize: 3 });
  const viewers = new ViewerTracker();
  const registry = createMetricsRegistry('relay');
  let server: RelayHttp;
  let port: number;

  beforeAll(async () => {
    feed(hub);
    server = createRelayHttp({
      log: createLogger({ service: 'relay', level: 'silent' }),
      registry,
      metrics: createRelayMetrics(registry, viewers),
      streams: new RoomStreams(hub, { lingerMs: 60_000 }),
      viewers,
      health: () => ({ liveRooms: hub.list().length }),
    });
    port = await server.listen('127.0.0.1', 0);
  });
  afterAll(() => server.stop());

  const ok: Array<{ path: string; type: string; cache: string; body?: Buffer; has?: string }> = [
    {
      path: '/hls/demo/master.m3u8',
      type: 'application/vnd.apple.mpegurl',
      cache: 'max-age=1',
      has: 'source/index.m3u8',
    },
    {
      path: '/hls/demo/source/index.m3u8',
      type: 'application/vnd.apple.mpegurl',
      cache: 'max-age=1',
      has: 'seg-3.m4s',
    },
    {
      path: `/hls/demo/source/init-${initId(INIT)}.mp4`,
      type: 'video/mp4',
      cache: 'public, max-age=3600, immutable',
      body: INIT,
    },
    {
      path: '/hls/demo/source/seg-3.m4s',
      type: 'video/mp4',
      cache: 'public, max-age=3600, immutable',
      body: Buffer.concat([PART_A, PART_B]),
    },
  ];
  it.each(ok)('serves $path', async ({ path, type, cache, body, has }) => {
    const res = await raw(port, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(new RegExp(`^${type.replaceAll('.', '\\.')}`));
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    if (body) expect(res.body).toEqual(body);
    if (has) expect(res.body.toString()).toContain(has);
  });

  const missing = [
    '/hls/nobody/master.m3u8',
    '/hls/demo/480p/index.m3u8',
    '/hls/demo/source/seg-4.m4s',
    '/hls/demo/source/init-0000000000000000.mp4',
    '/hls/demo/source/init-0.mp4',
    '/hls/demo/index.m3u8',
    '/hls/demo/source/master.m3u8',
    '/hls/../etc/passwd',
    '/hls/demo/../../etc/passwd',
    '/hls/%2e%2e/%2e%2e/etc/passwd',
    '/hls/demo/%2e%2e/master.m3u8',
    '/hls/demo%2Fsource/index.m3u8',
    '/hls/demo/source%2Findex.m3u8',
    '/hls/demo/source/..%2F..%2F..%2Fpackage.json',
    '/hls/demo/source/seg-3.m4s%00.mp4',
    '/hls/demo/source/seg--1.m4s',
    '/hls/DEMO/master.m3u8',
    '/hls/demo/source/seg-3.m4s/',
    '/hls/demo/source/%',
    `/hls/${'a'.repeat(200)}/master.m3u8`,
    '/etc/passwd',
    '/package.json',
  ];
  it.each(missing)('answers %s with an uncached 4xx', async (path) => {
    const res = await raw(port, path);
    expect([400, 404, 414]).toContain(res.status);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.toString()).not.toMatch(/root:|"workspaces"/);
  });

  it('answers a CORS preflight', async () => {
    const res = await raw(port, '/hls/demo/source/index.m3u8', 'OPTIONS', {
      origin: 'https://player.example',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'range',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('GET');
    expect(res.headers['access-control-allow-headers']).toBe('range');
  });

  it('answers HEAD for a segment without a body', async () => {
    const res = await raw(port, '/hls/demo/source/seg-3.m4s', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(PART_A.length + PART_B.length));
    expect(res.body.length).toBe(0);
  });

  it('serves /healthz and counts viewers and requests in /metrics', async () => {
    const health = await raw(port, '/healthz');
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'ok', liveRooms: 1 });
    const metrics = (await raw(port, '/metrics')).body.toString();
    expect(metrics).toMatch(/onair_relay_viewers\{room="demo",service="relay"\} 1\n/);
    expect(metrics).toMatch(
      /onair_relay_http_requests_total\{route="\/hls\/:room\/:rendition\/:file",status="200",service="relay"\} [4-9]/,
    );
    expect(metrics).toMatch(
      /onair_relay_http_response_bytes_total\{route="\/hls\/:room\/:rendition\/:file",service="relay"\} \d+/,
    );
  });
});
