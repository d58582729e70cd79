import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type rooms } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import {
  ffprobe,
  publishTestStream,
  startMonitoring,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestProcess,
  type TestService,
} from '@onair/testing';
import type { StatusReport } from './status/status-types.js';

// Real processes: nats-server, ingest (source rendition only), an origin relay, monitoring, and ffmpeg publishing.

const ROOM = 'thumbs';

describe('thumbnails of live rooms', () => {
  let nats: TestNats;
  let ingest: TestService;
  let relay: TestService;
  let monitoring: TestService;
  let publisher: TestProcess;
  let base: string;
  let relayBase: string;
  let publishedAtMs: number;
  const dir = mkdtempSync(join(tmpdir(), 'onair-thumbs-'));

  const status = async (): Promise<StatusReport> => (await (await fetch(`${base}/api/status`)).json()) as StatusReport;
  const thumbnail = async (
    room = ROOM,
  ): Promise<{ status: number; type: string | null; cache: string | null; body: Buffer }> => {
    const res = await fetch(`${base}/api/rooms/${room}/thumbnail.jpg`);
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), body };
  };
  const thumbnailAtMs = async (): Promise<number | null> =>
    (await status()).streams.find((s) => s.room === ROOM)?.thumbnailAtMs ?? null;

  beforeAll(async () => {
    nats = await startNats();
    ingest = await startService('ingest', {
      INGEST_NATS_URL: nats.url,
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_LADDER: 'source',
    });
    const ingestGrpc = `127.0.0.1:${ingest.port('grpcPort')}`;
    relay = await startService('relay', {
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_UPSTREAM: ingestGrpc,
      RELAY_UPSTREAM_POLL_MS: '200',
    });
    relayBase = `http://127.0.0.1:${relay.port('httpPort')}`;
    monitoring = await startMonitoring([`ingest=${ingestGrpc}`, `relay=127.0.0.1:${relay.port('grpcPort')}`], {
      MONITORING_POLL_MS: '500',
      MONITORING_RELAY_URL: relayBase,
      MONITORING_LOG_LEVEL: 'debug',
    });
    base = `http://127.0.0.1:${monitoring.port('httpPort')}`;
    const roomsClient = createClient(onair().rooms.v1.RoomsService, ingestGrpc);
    const created = await call<rooms.CreateRoomResponse__Output>((cb) =>
      roomsClient.CreateRoom({ id: ROOM, title: 'Thumbnails' }, cb),
    );
    roomsClient.close();
    publishedAtMs = Date.now();
    publisher = publishTestStream({
      url: `rtmp://127.0.0.1:${ingest.port('rtmpPort')}/live/${created.streamKey}`,
      durationS: 40,
      size: '640x360',
    });
  }, 60_000);

  afterAll(async () => {
    await publisher?.stop();
    await Promise.all([monitoring?.stop(), relay?.stop()]);
    await ingest?.stop();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 for a room without a thumbnail and for a room id outside the pattern', async () => {
    expect((await thumbnail('no-such-room')).status).toBe(404);
    expect((await thumbnail('Not_A_Room')).status).toBe(404);
    expect((await thumbnail('%2e%2e')).status).toBe(404);
  });

  it('serves a 320-pixel-wide JPEG of the live room within 12 s of the publish', async () => {
    const first = await waitFor(
      async () => {
        const t = await thumbnail();
        return t.status === 200 && t;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the first thumbnail' },
    );
    const afterMs = Date.now() - publishedAtMs;
    expect(afterMs).toBeLessThan(12_000);
    expect(first.type).toBe('image/jpeg');
    expect(first.cache).toBe('max-age=5');
    expect([...first.body.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...first.body.subarray(-2)]).toEqual([0xff, 0xd9]);
    const file = join(dir, 'first.jpg');
    writeFileSync(file, first.body);
    const probe = await ffprobe(file);
    expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'mjpeg', width: 320, height: 180 });
    const atMs = await thumbnailAtMs();
    expect(atMs).toBeGreaterThanOrEqual(publishedAtMs);
    console.log(`first thumbnail ${afterMs} ms after the publish started, ${first.body.length} bytes`);
  }, 20_000);

  it('makes a newer thumbnail about 10 s later, and the relay does not count monitoring as a viewer', async () => {
    const firstAtMs = await thumbnailAtMs();
    expect(firstAtMs).not.toBeNull();
    const first = (await thumbnail()).body;
    const nextAtMs = await waitFor(
      async () => {
        const at = await thumbnailAtMs();
        return at !== null && at > (firstAtMs ?? 0) && at;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'a newer thumbnail' },
    );
    const gapMs = nextAtMs - (firstAtMs ?? 0);
    expect(gapMs).toBeGreaterThanOrEqual(9_000);
    expect(gapMs).toBeLessThan(13_000);
    const next = await thumbnail();
    expect(next.status).toBe(200);
    expect(next.body.equals(first)).toBe(false);
    const stream = (await status()).streams.find((s) => s.room === ROOM);
    expect(stream?.viewers).toBe(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^onair_thumbnails_made_total\{service="monitoring"\} [2-9]/m);
    expect(metrics).toMatch(/^onair_thumbnail_ffmpeg_seconds_count\{service="monitoring"\} [2-9]/m);
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: metrics, stdio: 'pipe' })).not.toThrow();
    console.log(`next thumbnail ${gapMs} ms after the first`);
  }, 20_000);

  it('drops the thumbnail once the room is no longer live', async () => {
    await publisher.stop();
    await waitFor(async () => (await thumbnail()).status === 404, { timeoutMs: 20_000, what: 'the thumbnail to go' });
    expect((await status()).streams.find((s) => s.room === ROOM)).toBeUndefined();
    expect(await relay.stop()).toBe(0);
    expect(await monitoring.stop()).toBe(0);
  }, 30_000);
});
