import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { LIVE_BUCKET, RECORDINGS_DELETE_SUBJECT, encodeLiveEntry } from '@onair/contracts';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers, type MediaEvent, type Rendition } from '@onair/media';
import type { KV } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { ffprobe, startNatsFixture, startService, waitFor, type NatsFixture, type TestService } from '@onair/testing';
import { writeMeta } from './recording/recording-files.js';
import { makeTestFmp4, type Fmp4Cut } from './testing/fmp4-fixture.js';

// The built relay as an origin following a real nats-server's live bucket, a real MediaService standing for ingest fed
// with real fMP4 media, and a recordings directory seeded with older recordings (one left open by a crash).

const log = createLogger({ service: 'ingest', level: 'silent' });
const RENDITIONS: Rendition[] = [
  { name: 'source', codecs: 'avc1.64001e,mp4a.40.2', bandwidth: 1_000_000, width: 640, height: 360, frameRate: 25 },
];
const FRAGMENT_MS = 1000;
const DAY_MS = 86_400_000;
const LIVE = '2a000000-0000-4000-8000-000000000001';
const KILLED = '2a000000-0000-4000-8000-000000000002';
const EXPIRED = '0a000000-0000-4000-8000-000000000001';
const [A, B, C] = [1, 2, 3].map((i) => `0b000000-0000-4000-8000-00000000000${i}`) as [string, string, string];
const OPEN = '0c000000-0000-4000-8000-000000000001';
const SEEDED_SEGMENT_BYTES = 10_000;
const MAX_BYTES = 25_000;

/** A finished (or, without `durationMs`, open) recording of one segment of `bytes` bytes. */
async function seed(
  dir: string,
  room: string,
  publishId: string,
  startedAtMs: number,
  bytes: number,
  durationMs?: number,
) {
  const path = join(dir, room, publishId);
  await mkdir(join(path, 'source'), { recursive: true });
  await writeMeta(path, { room, publishId, startedAtMs, durationMs });
  const head = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n';
  await writeFile(join(path, 'source', 'index.m3u8'), `${head}#EXTINF:2.000,\nseg-0.m4s\n`);
  await writeFile(join(path, 'source', 'seg-0.m4s'), Buffer.alloc(bytes));
}

function getRaw(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('recording on an origin relay', () => {
  const hub = new MediaHub({ windowSize: 6 });
  let media: Fmp4Cut;
  let nats: NatsFixture;
  let kv: KV;
  let upstream: GrpcServer;
  let address: string;
  let root: string;
  let dir: string;
  let relay: TestService;
  const now = Date.now();

  const startRelay = (maxBytes = MAX_BYTES): Promise<TestService> =>
    startService('relay', {
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_NATS_URL: nats.nats.url,
      RELAY_UPSTREAM: address,
      RELAY_RECORDINGS_DIR: dir,
      RELAY_RECORDINGS_MAX_BYTES: String(maxBytes),
      RELAY_RECORDINGS_CHECK_MS: '3600000',
    });
  const url = (path: string): string => `http://127.0.0.1:${relay.port('httpPort')}${path}`;
  const list = async (room: string): Promise<Array<Record<string, unknown>>> =>
    (await fetch(url(`/api/recordings?room=${room}`))).json() as Promise<Array<Record<string, unknown>>>;

  /** Starts publish `publishId` of room `demo` with the init segment, recorded. */
  const startPublish = async (publishId: string): Promise<void> => {
    hub.apply('demo', {
      event: 'streamStarted',
      streamStarted: {
        room: 'demo',
        publishId,
        startedAtMs: Date.now(),
        renditions: RENDITIONS,
        targetSegmentDurationMs: 2000,
        partTargetMs: 0,
      },
    });
    hub.apply('demo', { event: 'initSegment', initSegment: { rendition: 'source', data: media.init } });
    await kv.put('demo', encodeLiveEntry({ publishId, startedAtMs: Date.now(), grpcAddress: address, record: true }));
  };

  /** Feeds segment `sequence` (fragments 2·index and 2·index+1 of the media). */
  const segment = (sequence: number, index: number): void => {
    const fragments = media.fragments.slice(index * 2, index * 2 + 2);
    const events: MediaEvent[] = fragments.map((data, partIndex) => ({
      event: 'part',
      part: {
        rendition: 'source',
        segmentSequence: sequence,
        partIndex,
        data,
        durationMs: FRAGMENT_MS,
        independent: true,
        programDateTimeMs: now + (sequence * 2 + partIndex) * FRAGMENT_MS,
        videoFrames: 25,
        partSequence: sequence * 2 + partIndex,
      },
    }));
    events.push({
      event: 'segmentEnd',
      segmentEnd: { rendition: 'source', segmentSequence: sequence, durationMs: fragments.length * FRAGMENT_MS },
    });
    for (const e of events) hub.apply('demo', e);
  };

  beforeAll(async () => {
    media = await makeTestFmp4(6);
    nats = await startNatsFixture();
    kv = await nats.kvm.create(LIVE_BUCKET, { history: 1 });
    upstream = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
    upstream.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
    address = `127.0.0.1:${await upstream.listen('127.0.0.1', 0)}`;
    root = await mkdtemp(join(tmpdir(), 'onair-recording-'));
    dir = join(root, 'recordings');
    await seed(dir, 'old', EXPIRED, now - 10 * DAY_MS, 10, 2000);
    await seed(dir, 'old', A, now - 3 * DAY_MS, SEEDED_SEGMENT_BYTES, 2000);
    await seed(dir, 'old', B, now - 2 * DAY_MS, SEEDED_SEGMENT_BYTES, 2000);
    await seed(dir, 'old', C, now - DAY_MS, SEEDED_SEGMENT_BYTES, 2000);
    await seed(dir, 'crashed', OPEN, now - 1000, 10);
    relay = await startRelay();
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.stop(100);
    await nats?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('closes a recording left open and applies retention at start, oldest first', async () => {
    const open = await readFile(join(dir, 'crashed', OPEN, 'source', 'index.m3u8'), 'utf8');
    expect(open).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(open.endsWith('seg-0.m4s\n#EXT-X-ENDLIST\n')).toBe(true);
    expect(await list('crashed')).toMatchObject([{ publishId: OPEN, durationMs: 2000 }]);
    // EXPIRED is older than the default 7 days; A, the oldest left, goes to bring the total under MAX_BYTES.
    expect((await list('old')).map((r) => r.publishId)).toEqual([C, B]);
  });

  it('records a publish as it goes, with its discontinuity, and serves it as VOD once it ends', async () => {
    await startPublish(LIVE);
    segment(0, 0);
    segment(1, 1);
    const playlist = `/vod/demo/${LIVE}/source/index.m3u8`;
    await waitFor(async () => (await (await fetch(url(playlist))).text()).includes('seg-1.m4s'), {
      what: 'two segments recorded',
    });
    expect(await list('demo')).toMatchObject([{ publishId: LIVE, durationMs: null }]);
    // The publisher reconnected inside the grace period: the same publish goes on after a discontinuity.
    hub.apply('demo', { event: 'discontinuity', discontinuity: { rendition: 'source' } });
    segment(2, 2);
    hub.end('demo', 'publisher left');
    const [listed] = await waitFor(
      async () => {
        const l = await list('demo');
        return l[0]?.durationMs !== null && l;
      },
      { what: 'the recording finished' },
    );
    await kv.delete('demo');
    expect(listed).toEqual({
      room: 'demo',
      publishId: LIVE,
      startedAtMs: expect.any(Number) as number,
      durationMs: 6000,
      master: `/vod/demo/${LIVE}/master.m3u8`,
    });
    const res = await fetch(url(playlist));
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await res.text();
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(text.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    const seg = await fetch(url(`/vod/demo/${LIVE}/source/seg-2.m4s`));
    expect(seg.headers.get('cache-control')).toContain('immutable');
    const probe = await ffprobe(url(`/vod/demo/${LIVE}/master.m3u8`));
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640 });
    expect(Math.abs(Number(probe.format.duration) - 6)).toBeLessThanOrEqual(2);
  }, 30_000);

  it.each([
    '/vod/../recordings/old',
    `/vod/demo/${LIVE}/../../../secret.txt`,
    `/vod/demo/%2e%2e/%2e%2e/secret.txt`,
    `/vod/demo/${LIVE}/source%2F..%2F..%2F..%2F..%2Fsecret.txt`,
    `/vod/demo/${LIVE}//etc/passwd`,
  ])('refuses %s', async (path) => {
    await writeFile(join(root, 'secret.txt'), 'secret');
    const res = await getRaw(relay.port('httpPort'), path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('secret');
  });

  it('deletes a recording on a request over NATS', async () => {
    const ask = async (publishId: string): Promise<unknown> =>
      (await nats.nc.request(RECORDINGS_DELETE_SUBJECT, JSON.stringify({ room: 'old', publishId }))).json();
    const deleted = (await ask(B)) as { deleted: boolean; bytes: number };
    expect(deleted).toEqual({ deleted: true, bytes: expect.any(Number) as number });
    // The segment, its playlist and recording.json.
    expect(deleted.bytes).toBeGreaterThan(SEEDED_SEGMENT_BYTES);
    expect(await exists(join(dir, 'old', B))).toBe(false);
    expect(await ask(B)).toEqual({ deleted: false });
    expect((await list('old')).map((r) => r.publishId)).toEqual([C]);
  });

  it('leaves a playable VOD after a kill -9 mid-recording, closed at the next start', async () => {
    await startPublish(KILLED);
    segment(10, 0);
    segment(11, 1);
    const playlist = join(dir, 'demo', KILLED, 'source', 'index.m3u8');
    await waitFor(async () => (await readFile(playlist, 'utf8').catch(() => '')).includes('seg-1.m4s'), {
      what: 'two segments recorded',
    });
    relay.child.kill('SIGKILL');
    await relay.exited;
    hub.end('demo', 'publisher left');
    await kv.delete('demo');
    // No size limit this time: the media recorded is far above MAX_BYTES.
    relay = await startRelay(0);
    expect(await list('demo')).toMatchObject([{ publishId: KILLED, durationMs: 4000 }, { publishId: LIVE }]);
    expect((await readFile(playlist, 'utf8')).endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    const probe = await ffprobe(url(`/vod/demo/${KILLED}/master.m3u8`));
    expect(Math.abs(Number(probe.format.duration) - 4)).toBeLessThanOrEqual(2);
  }, 30_000);
});
