import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { LIVE_BUCKET, encodeLiveEntry } from '@onair/contracts';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers, type MediaEvent, type Rendition } from '@onair/media';
import type { KV } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, startService, waitFor, type NatsFixture, type TestService } from '@onair/testing';
import { makeTestFmp4, type Fmp4Cut } from './testing/fmp4-fixture.js';

// The built relay as an origin following a real nats-server's live bucket, and a real MediaService standing for an
// ingest that keeps what ingest keeps by default (INGEST_WINDOW_SEGMENTS=1: one complete segment besides the one being
// cut). Ingest writes a room's live entry when the publish is accepted and starts its stream only once every
// rendition has its first part (seconds later on a loaded machine, with ffmpeg starting): the relay's calls until
// then are answered NOT_FOUND. Whenever the stream starts, the recording must hold it from its first segment.

const log = createLogger({ service: 'ingest', level: 'silent' });
const ROOM = 'late';
const PUBLISH = '3a000000-0000-4000-8000-000000000001';
const RENDITIONS: Rendition[] = [
  { name: 'source', codecs: 'avc1.64001e,mp4a.40.2', bandwidth: 1_000_000, width: 640, height: 360, frameRate: 25 },
];
const FRAGMENT_MS = 1000;
/** Segments of two fragments fed, one every FEED_MS: the publish holds SEGMENTS × 2 × FRAGMENT_MS of media. */
const SEGMENTS = 8;
const FEED_MS = 1000;
/** How long the stream takes to start after the entry was written (an ingest under load), ms. */
const START_DELAY_MS = 6000;

describe('recording a publish whose stream starts late on its ingest', () => {
  const hub = new MediaHub({ windowSize: 1, keepRetired: false });
  let media: Fmp4Cut;
  let nats: NatsFixture;
  let kv: KV;
  let upstream: GrpcServer;
  let address: string;
  let root: string;
  let relay: TestService;
  const firstPdtMs = Date.now();

  /** Feeds segment `sequence`: fragments 2·sequence and 2·sequence+1 of the media. */
  const segment = (sequence: number): void => {
    const fragments = media.fragments.slice(sequence * 2, sequence * 2 + 2);
    const events: MediaEvent[] = fragments.map((data, partIndex) => ({
      event: 'part',
      part: {
        rendition: 'source',
        segmentSequence: sequence,
        partIndex,
        data,
        durationMs: FRAGMENT_MS,
        independent: true,
        programDateTimeMs: firstPdtMs + (sequence * 2 + partIndex) * FRAGMENT_MS,
        videoFrames: 25,
        partSequence: sequence * 2 + partIndex,
      },
    }));
    events.push({
      event: 'segmentEnd',
      segmentEnd: { rendition: 'source', segmentSequence: sequence, durationMs: fragments.length * FRAGMENT_MS },
    });
    for (const e of events) hub.apply(ROOM, e);
  };

  /** The relay's "not live upstream yet" re-subscribes so far. */
  const notLiveRetries = (): Array<Record<string, unknown>> =>
    relay.logs().filter((l) => l.msg === 'resubscribing' && l.reason === 'not live upstream yet');

  beforeAll(async () => {
    media = await makeTestFmp4(SEGMENTS * 2);
    nats = await startNatsFixture();
    kv = await nats.kvm.create(LIVE_BUCKET, { history: 1 });
    upstream = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
    upstream.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
    address = `127.0.0.1:${await upstream.listen('127.0.0.1', 0)}`;
    root = await mkdtemp(join(tmpdir(), 'onair-recording-start-'));
    relay = await startService('relay', {
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_NATS_URL: nats.nats.url,
      RELAY_UPSTREAM: address,
      RELAY_RECORDINGS_DIR: root,
    });
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.stop(100);
    await nats?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('records from the first segment though the relay asked for the room for seconds before', async () => {
    await kv.put(
      ROOM,
      encodeLiveEntry({ publishId: PUBLISH, startedAtMs: firstPdtMs, grpcAddress: address, record: true }),
    );
    await sleep(START_DELAY_MS);
    // The stream starts right after a NOT_FOUND: the relay's next call is the one that must not come too late.
    const retries = notLiveRetries().length;
    expect(retries).toBeGreaterThan(0);
    await waitFor(() => notLiveRetries().length > retries, { what: 'a NOT_FOUND answered', timeoutMs: 10_000 });
    const delayMs = Number(notLiveRetries().at(-1)?.delayMs);
    hub.apply(ROOM, {
      event: 'streamStarted',
      streamStarted: {
        room: ROOM,
        publishId: PUBLISH,
        startedAtMs: firstPdtMs,
        renditions: RENDITIONS,
        targetSegmentDurationMs: 2000,
        partTargetMs: 0,
      },
    });
    hub.apply(ROOM, { event: 'initSegment', initSegment: { rendition: 'source', data: media.init } });
    for (let s = 0; s < SEGMENTS; s++) {
      segment(s);
      await sleep(FEED_MS);
    }
    hub.end(ROOM, 'publisher left');
    await kv.delete(ROOM);
    const meta = await waitFor(
      async () => {
        const text = await readFile(join(root, ROOM, PUBLISH, 'recording.json'), 'utf8').catch(() => '{}');
        const m = JSON.parse(text) as { durationMs?: number };
        return m.durationMs !== undefined && m;
      },
      { what: 'the recording finished', timeoutMs: 15_000 },
    );
    const playlist = await readFile(join(root, ROOM, PUBLISH, 'source', 'index.m3u8'), 'utf8');
    const first = /#EXT-X-PROGRAM-DATE-TIME:(.+)/.exec(playlist)?.[1];
    console.log(`retry delay after the start ${delayMs} ms; recorded ${meta.durationMs} ms, first segment at ${first}`);
    expect(first && Date.parse(first)).toBe(firstPdtMs);
    expect(meta.durationMs).toBe(SEGMENTS * 2 * FRAGMENT_MS);
  }, 60_000);
});
