import { execFileSync } from 'node:child_process';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceKind } from '@onair/contracts';
import type { telemetry } from '@onair/proto';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { createLogger, INSTANCE_ID } from '@onair/runtime';
import { freePort, startMonitoring, waitFor, type TestService } from '@onair/testing';
import type { StatusReport } from './status/status-types.js';

/** An open `GET /api/events` over node:http (its socket closes with `req.destroy()`), read as text. */
async function openEvents(url: string): Promise<{
  req: ClientRequest;
  res: IncomingMessage;
  until(pattern: RegExp): Promise<string>;
}> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const until = (pattern: RegExp) =>
        waitFor(() => pattern.test(text) && text, { what: `the event stream to match ${pattern}` });
      resolve({ req, res, until });
    });
    req.on('error', reject);
  });
}

const log = createLogger({ service: 'test', level: 'silent' });
const PUBLISH_STARTED_AT_MS = Date.now() - 60_000;
const renditions = [
  { name: 'source', bitrateKbps: 2480.5, fps: 25, width: 1280, height: 720, codecs: 'avc1.64001f,mp4a.40.2' },
  { name: '480p', bitrateKbps: 896, fps: 25, width: 854, height: 480, codecs: 'avc1.4d401e,mp4a.40.2' },
];

/** Stand-ins of the other services: real gRPC servers (health + Telemetry) reporting chosen room stats. */
const STAND_INS: Array<{ name: string; service: ServiceKind; rooms: telemetry.RoomStats[] }> = [
  {
    name: 'ingest',
    service: 'ingest',
    rooms: [
      { room: 'demo', live: true, publishStartedAtMs: PUBLISH_STARTED_AT_MS, renditions },
      { room: 'offline', live: false },
    ],
  },
  { name: 'relay', service: 'relay', rooms: [{ room: 'demo', live: true, viewers: 3 }] },
  { name: 'edge', service: 'relay', rooms: [{ room: 'demo', live: true, viewers: 2 }] },
  { name: 'danmaku', service: 'danmaku', rooms: [{ room: 'demo', viewers: 6, messagesPerSecond: 2.5 }] },
  {
    name: 'chat',
    service: 'chat',
    rooms: [
      { room: 'demo', viewers: 4, messagesPerSecond: 1.25 },
      { room: 'offline', viewers: 1 },
    ],
  },
];

describe('monitoring service', () => {
  const servers = new Map<string, GrpcServer>();
  const addresses = new Map<string, string>();
  let monitoring: TestService;
  let baseUrl: string;
  const startedAtMs = Date.now();

  const status = async (): Promise<StatusReport> =>
    (await (await fetch(`${baseUrl}/api/status`)).json()) as StatusReport;
  const service = (report: StatusReport, name: string) => report.services.find((s) => s.name === name);

  beforeAll(async () => {
    for (const standIn of STAND_INS) {
      const server = createGrpcServer({ log, service: standIn.service, roomStats: () => standIn.rooms });
      servers.set(standIn.name, server);
      addresses.set(standIn.name, `127.0.0.1:${await server.listen('127.0.0.1', 0)}`);
    }
    addresses.set('dead', `127.0.0.1:${await freePort()}`);
    const targets = [...addresses].map(([name, address]) => `${name === 'edge' ? 'relay' : name}=${address}`);
    monitoring = await startMonitoring(targets, {
      MONITORING_POLL_MS: '250',
      MONITORING_POLL_TIMEOUT_MS: '500',
      MONITORING_LOG_LEVEL: 'debug',
      MONITORING_SSE_MAX_CLIENTS: '2',
      MONITORING_THUMBNAILS: 'false',
    });
    addresses.set('monitoring', `127.0.0.1:${monitoring.port('grpcPort')}`);
    baseUrl = `http://127.0.0.1:${monitoring.port('httpPort')}`;
  }, 150_000);

  afterAll(async () => {
    await monitoring?.stop();
    await Promise.all([...servers.values()].map((s) => s.stop(1000)));
  });

  it('reports every target, the dead one UNREACHABLE, and merges the live stream', async () => {
    const report = await status();
    expect(report.services.map((s) => [s.name, s.address, s.health])).toEqual([
      ['ingest', addresses.get('ingest'), 'SERVING'],
      ['relay', addresses.get('relay'), 'SERVING'],
      ['relay', addresses.get('edge'), 'SERVING'],
      ['danmaku', addresses.get('danmaku'), 'SERVING'],
      ['chat', addresses.get('chat'), 'SERVING'],
      ['dead', addresses.get('dead'), 'UNREACHABLE'],
      ['monitoring', addresses.get('monitoring'), 'SERVING'],
    ]);
    for (const s of report.services.filter((x) => x.name !== 'dead' && x.name !== 'monitoring')) {
      expect(s.lastSeenMs).toBeGreaterThanOrEqual(startedAtMs);
      expect(s.lastSeenMs).toBeLessThanOrEqual(report.generatedAtMs);
      expect(s).toMatchObject({ instance: INSTANCE_ID, uptimeMs: expect.any(Number) as number });
      expect(s.error).toBeUndefined();
    }
    expect(service(report, 'monitoring')?.instance).not.toBe(INSTANCE_ID);
    expect(service(report, 'dead')).toMatchObject({
      instance: null,
      lastSeenMs: null,
      uptimeMs: null,
      error: expect.stringMatching(/ECONNREFUSED/) as string,
    });
    expect(report.streams).toEqual([
      {
        room: 'demo',
        live: true,
        publishStartedAtMs: PUBLISH_STARTED_AT_MS,
        // The relays here report the room's viewers without renditions.
        renditions: renditions.map((r) => ({ ...r, viewers: 0 })),
        viewers: 5,
        danmakuPerSecond: 2.5,
        chatPerSecond: 1.25,
        danmakuSockets: 6,
        chatSockets: 4,
        danmakuRateLimitedPerSecond: 0,
        ingest: null,
        thumbnailAtMs: null,
        record: null,
      },
    ]);
  });

  it('serves /metrics that pass promtool check metrics', async () => {
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: 'pipe' })).not.toThrow();
    expect(text).toMatch(/^onair_process_cpu_user_seconds_total\{service="monitoring"\} /m);
    expect(text).toContain(`onair_service_up{service="dead",address="${addresses.get('dead')}"} 0`);
    expect(text).toContain(`onair_service_up{service="relay",address="${addresses.get('edge')}"} 1`);
    expect(text).toContain('onair_stream_bitrate_kbps{room="demo",rendition="source",service="monitoring"} 2480.5');
    expect(text).toContain('onair_stream_viewers{room="demo",service="monitoring"} 5');
    expect(text).toContain('onair_chat_messages_per_second{room="demo",service="monitoring"} 1.25');
  });

  it('serves the dashboard as files under a strict Content-Security-Policy, and /healthz', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="dashboard.js"></script>');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    const script = await fetch(`${baseUrl}/dashboard.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toMatch(/new EventSource\(["']\/api\/events["']\)/);
    const style = await fetch(`${baseUrl}/dashboard.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const health = await fetch(`${baseUrl}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  });

  it('pushes a snapshot with history on /api/events, then status events, and refuses streams past the cap', async () => {
    const streams = await Promise.all([openEvents(`${baseUrl}/api/events`), openEvents(`${baseUrl}/api/events`)]);
    try {
      expect(streams[0]?.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      const text = await streams[0].until(/event: status\n/);
      const snapshot = /^retry: \d+\nevent: snapshot\ndata: (.*)\n\n/.exec(text);
      const { report, history } = JSON.parse(snapshot?.[1] ?? 'null') as {
        report: StatusReport;
        history: { capacity: number; rooms: Array<{ room: string; viewers: number[] }> };
      };
      expect(report.streams.map((s) => s.room)).toEqual(['demo']);
      expect(history.capacity).toBe(Math.ceil(600_000 / 250));
      expect(history.rooms[0]?.room).toBe('demo');
      expect(history.rooms[0]?.viewers.length).toBeGreaterThan(0);
      const third = await fetch(`${baseUrl}/api/events`);
      expect([third.status, third.headers.get('retry-after')]).toEqual([503, '1']);
      expect(await third.json()).toMatchObject({ error: 'UNAVAILABLE' });
    } finally {
      for (const s of streams) s.req.destroy();
    }
  });

  it('sees a stopped service go down and drops its stats from the stream', async () => {
    const edgeOf = (r: StatusReport) => r.services.find((s) => s.address === addresses.get('edge'));
    const before = edgeOf(await status());
    expect(before?.health).toBe('SERVING');
    await servers.get('edge')?.stop(1000);
    const report = await waitFor(
      async () => {
        const r = await status();
        return edgeOf(r)?.health === 'UNREACHABLE' && r;
      },
      { what: 'the edge relay to become UNREACHABLE' },
    );
    expect(edgeOf(report)?.lastSeenMs).toBeGreaterThanOrEqual(before?.lastSeenMs ?? Infinity);
    expect(edgeOf(report)?.uptimeMs).toBeNull();
    expect(edgeOf(report)?.error).toEqual(expect.any(String));
    expect(report.streams[0]?.viewers).toBe(3);
    expect(service(report, 'ingest')?.health).toBe('SERVING');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await monitoring.stop()).toBe(0);
    expect(monitoring.logs().map((l) => l.msg)).toContain('stopped');
  });
});
