import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type telemetry } from '@onair/proto';
import { call, createClient, createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, initId, mediaServiceHandlers, type MediaEvent, type Rendition } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { ffprobe, startService, waitFor, type ProbeResult, type TestService } from '@onair/testing';
import { makeTestFmp4, type Fmp4Cut } from './testing/fmp4-fixture.js';

// Runs the built relay (npx tsc -b services/relay) against a real gRPC upstream fed with real fMP4 media.

const ROOM = 'demo';
const FRAGMENT_MS = 1000;
const FRAGMENTS_PER_SEGMENT = 2;
const FIRST_SEQUENCE = 10;
const LINGER_MS = 6000;
const RENDITIONS: Rendition[] = [
  { name: 'low', codecs: 'avc1.64001e,mp4a.40.2', bandwidth: 100_000, width: 640, height: 360, frameRate: 25 },
  { name: 'source', codecs: 'avc1.64001e,mp4a.40.2', bandwidth: 5_000_000, width: 640, height: 360, frameRate: 25 },
];

/** Feeds segment `index` of the cut media (2 fragments of 1 s each) to every rendition. */
function segmentEvents(media: Fmp4Cut, index: number, startedAtMs: number): MediaEvent[] {
  const sequence = FIRST_SEQUENCE + index;
  const fragments = media.fragments.slice(index * FRAGMENTS_PER_SEGMENT, (index + 1) * FRAGMENTS_PER_SEGMENT);
  return RENDITIONS.flatMap(({ name }): MediaEvent[] => [
    ...fragments.map((data, partIndex): MediaEvent => ({
      event: 'part',
      part: {
        rendition: name,
        segmentSequence: sequence,
        partIndex,
        data,
        durationMs: FRAGMENT_MS,
        independent: true,
        programDateTimeMs: startedAtMs + (index * FRAGMENTS_PER_SEGMENT + partIndex) * FRAGMENT_MS,
        videoFrames: 25,
        partSequence: sequence * 100 + partIndex,
      },
    })),
    {
      event: 'segmentEnd',
      segmentEnd: { rendition: name, segmentSequence: sequence, durationMs: fragments.length * FRAGMENT_MS },
    },
  ]);
}

async function get(url: string): Promise<{ status: number; headers: Headers; text: string; body: Buffer }> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text: body.toString(), body };
}

function startedPorts(svc: TestService): { httpPort: number; grpcPort: number } {
  return { httpPort: svc.port('httpPort'), grpcPort: svc.port('grpcPort') };
}

function expectMedia(probe: ProbeResult): void {
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
  expect(audio).toMatchObject({ codec_name: 'aac' });
}

describe('relay origin and edge over real gRPC and real media', () => {
  const hub = new MediaHub({ windowSize: 6 });
  const log = createLogger({ service: 'ingest', level: 'silent' });
  let media: Fmp4Cut;
  let upstream: GrpcServer;
  let origin: TestService;
  let edge: TestService;
  let originUrl: string;
  let edgeUrl: string;
  let originGrpcPort: number;
  const startedAtMs = Date.now();

  beforeAll(async () => {
    media = await makeTestFmp4(6);
    expect(media.fragments).toHaveLength(6);
    upstream = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
    upstream.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
    const upstreamPort = await upstream.listen('127.0.0.1', 0);
    hub.apply(ROOM, {
      event: 'streamStarted',
      streamStarted: {
        room: ROOM,
        publishId: 'p1',
        startedAtMs,
        renditions: RENDITIONS,
        targetSegmentDurationMs: 2000,
        partTargetMs: 0,
      },
    });
    for (const { name } of RENDITIONS) {
      hub.apply(ROOM, { event: 'initSegment', initSegment: { rendition: name, data: media.init } });
    }
    for (const e of segmentEvents(media, 0, startedAtMs)) hub.apply(ROOM, e);

    const env = { RELAY_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_GRPC_PORT: '0', RELAY_UPSTREAM_POLL_MS: '200' };
    const linger = { RELAY_ENDED_LINGER_MS: String(LINGER_MS) };
    origin = await startService('relay', { ...env, ...linger, RELAY_UPSTREAM: `127.0.0.1:${upstreamPort}` });
    const o = startedPorts(origin);
    originUrl = `http://127.0.0.1:${o.httpPort}/hls/${ROOM}`;
    originGrpcPort = o.grpcPort;
    edge = await startService('relay', { ...env, ...linger, RELAY_UPSTREAM: `127.0.0.1:${originGrpcPort}` });
    edgeUrl = `http://127.0.0.1:${startedPorts(edge).httpPort}/hls/${ROOM}`;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([edge?.stop(), origin?.stop()]);
    await upstream?.stop(1000);
  });

  it('serves the master and media playlists of segments fed live', async () => {
    await waitFor(async () => (await get(`${originUrl}/source/index.m3u8`)).text.includes('seg-10.m4s'));
    for (const index of [1, 2]) for (const e of segmentEvents(media, index, startedAtMs)) hub.apply(ROOM, e);
    const playlist = await waitFor(async () => {
      const res = await get(`${originUrl}/source/index.m3u8`);
      return res.text.includes('seg-12.m4s') && res;
    });
    expect(playlist.headers.get('content-type')).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(playlist.headers.get('cache-control')).toBe('max-age=1');
    expect(playlist.headers.get('access-control-allow-origin')).toBe('*');
    const pdt = (i: number): string => new Date(startedAtMs + i * 2000).toISOString();
    expect(playlist.text).toBe(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n' +
        `#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init-${initId(media.init)}.mp4"\n` +
        [0, 1, 2].map((i) => `#EXT-X-PROGRAM-DATE-TIME:${pdt(i)}\n#EXTINF:2.000,\nseg-${10 + i}.m4s\n`).join(''),
    );

    const master = await get(`${originUrl}/master.m3u8`);
    const lines = master.text.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS']);
    expect(lines[3]).toMatch(/^#EXT-X-STREAM-INF:BANDWIDTH=5000000,AVERAGE-BANDWIDTH=\d+,RESOLUTION=640x360,/);
    expect(lines[3]).toContain('CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=25.000');
    expect(lines[4]).toBe('source/index.m3u8');
    expect(lines[5]).toMatch(/^#EXT-X-STREAM-INF:BANDWIDTH=[1-9]\d{5,},AVERAGE-BANDWIDTH=/);
    expect(lines[6]).toBe('low/index.m3u8');

    const init = await get(`${originUrl}/source/init-${initId(media.init)}.mp4`);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    expect(init.headers.get('cache-control')).toBe('public, max-age=3600, immutable');
    expect(init.body).toEqual(media.init);
    const seg = await get(`${originUrl}/source/seg-11.m4s`);
    expect(seg.body).toEqual(Buffer.concat(media.fragments.slice(2, 4)));
    expect((await get(`${originUrl}/source/seg-13.m4s`)).status).toBe(404);
  });

  it('plays in ffprobe through the origin and reports the room in Telemetry.GetStats', async () => {
    expectMedia(await ffprobe(`${originUrl}/master.m3u8`));
    const telemetry = createClient(onair().telemetry.v1.TelemetryService, `127.0.0.1:${originGrpcPort}`);
    const stats = await call<telemetry.GetStatsResponse__Output>((cb) => telemetry.GetStats({}, cb));
    telemetry.close();
    expect(stats.service).toBe('relay');
    // Without RELAY_NATS_URL the relay has no NATS connection to report.
    expect(stats.nats).toBeNull();
    const room = stats.rooms.find((r) => r.room === ROOM);
    expect(room).toMatchObject({ live: true, publishStartedAtMs: startedAtMs });
    expect(room?.viewers).toBeGreaterThanOrEqual(1);
    // Every viewer here fetched a rendition, so each counts for exactly one.
    expect(room?.renditions.reduce((sum, r) => sum + r.viewers, 0)).toBe(room?.viewers);
    const source = room?.renditions.find((r) => r.name === 'source');
    expect(source).toMatchObject({ fps: 25, width: 640, height: 360, codecs: 'avc1.64001e,mp4a.40.2' });
    expect(source?.bitrateKbps).toBeGreaterThan(0);
  });

  it('serves the same playlists and media through an edge chained to the origin', async () => {
    const edgePlaylist = await waitFor(async () => {
      const res = await get(`${edgeUrl}/source/index.m3u8`);
      return res.text.includes('seg-12.m4s') && res.text;
    });
    expect(edgePlaylist).toBe((await get(`${originUrl}/source/index.m3u8`)).text);
    const edgeMaster = (await get(`${edgeUrl}/master.m3u8`)).text;
    expect(edgeMaster.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'source/index.m3u8',
      'low/index.m3u8',
      '',
    ]);
    expect((await get(`${edgeUrl}/low/seg-12.m4s`)).body).toEqual(Buffer.concat(media.fragments.slice(4, 6)));
    expectMedia(await ffprobe(`${edgeUrl}/master.m3u8`));
  });

  it('serves the built watch page on the origin and the edge, without the development sign-in', async () => {
    for (const base of [originUrl, edgeUrl].map((url) => url.replace(`/hls/${ROOM}`, ''))) {
      const page = await get(`${base}/watch/${ROOM}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const assets = [...page.text.matchAll(/\/watch\/assets\/watch-[A-Z0-9]+\.(?:js|css)/g)].map((m) => m[0]);
      expect(assets).toHaveLength(2);
      for (const asset of assets) {
        const res = await get(`${base}${asset}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      }
      const config = JSON.parse((await get(`${base}/watch/config.json`)).text) as Record<string, unknown>;
      expect(config).toEqual({
        danmakuUrl: 'http://localhost:8081',
        chatUrl: 'http://localhost:8082',
        signInUrl: '',
        devSignIn: false,
      });
      expect((await get(`${base}/watch/dev-token.json?name=eve&role=moderator`)).status).toBe(404);
    }
  });

  it('closes the playlists with ENDLIST when the stream ends, then answers 404 after the linger', async () => {
    hub.end(ROOM, 'publisher left');
    for (const url of [originUrl, edgeUrl]) {
      await waitFor(async () => (await get(`${url}/source/index.m3u8`)).text.endsWith('#EXT-X-ENDLIST\n'));
    }
    const probe = await ffprobe(`${edgeUrl}/source/index.m3u8`);
    expectMedia(probe);
    expect(Number(probe.format.duration)).toBeGreaterThanOrEqual((media.fragments.length * FRAGMENT_MS) / 1000);
    for (const url of [originUrl, edgeUrl]) {
      await waitFor(async () => (await get(`${url}/master.m3u8`)).status === 404, { timeoutMs: LINGER_MS + 10_000 });
      expect((await get(`${url}/source/seg-12.m4s`)).status).toBe(404);
    }
  }, 60_000);
});
