import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaHub, type MediaEvent, type Part } from '@onair/media';
import { publishTestStream, waitFor, type TestProcess } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublishPipeline } from '../publish/pipeline.js';
import type { PublishPipeline } from '../publish/publish-sink.js';
import { RtmpServer } from '../servers/rtmp/server.js';
import { openHarness, recordPublish, replay } from '../testing/pipeline-harness.js';
import { captureLog, FakeGate } from '../testing/test-server.js';
import { ladderSchema } from './ladder.js';

const ROOM = 'flush';
const LADDER = 'source,240p=426x240@300k';
const RENDITIONS = ['source', '240p'];
/** Part Target Duration of the pipeline, ms: the tolerance of every comparison between renditions. */
const PART_TARGET_MS = 334;

/** One rendition's media on either side of its discontinuity. */
interface Sides {
  /** Every event of the rendition, in order. */
  events: MediaEvent[];
  before: Part[];
  after: Part[];
}

const renditionOf = (e: MediaEvent): string | undefined =>
  (e as unknown as Record<string, { rendition?: string } | undefined>)[e.event]?.rendition;
const sumMs = (parts: readonly Part[]): number => parts.reduce((ms, p) => ms + p.durationMs, 0);
/** Program date-time at the end of the last part, unix epoch ms. */
const endMs = (parts: readonly Part[]): number =>
  (parts.at(-1)?.programDateTimeMs ?? 0) + (parts.at(-1)?.durationMs ?? 0);

function sides(events: readonly MediaEvent[], rendition: string): Sides {
  const mine = events.filter((e) => renditionOf(e) === rendition);
  const cut = mine.findIndex((e) => e.event === 'discontinuity');
  const parts = (from: number, to: number): Part[] =>
    mine.slice(from, to).flatMap((e) => (e.event === 'part' ? [e.part] : []));
  return { events: mine, before: parts(0, cut), after: parts(cut + 1, mine.length) };
}

/**
 * Real ffmpeg publishers over RTMP into a real pipeline (source remuxed, 240p by ffmpeg): a publisher that vanishes
 * and one that continues its publish within the grace period. The replaced ffmpeg flushes what it holds, so the
 * transcoded rendition carries as much media as the source on both sides of the discontinuity.
 */
describe('a transcode across a reconnect inside the grace period', () => {
  const { log, lines } = captureLog();
  const hub = new MediaHub();
  const events: MediaEvent[] = [];
  hub.onStarted((s) => s.listen((e) => events.push(e)));
  let pipeline: PublishPipeline;
  let server: RtmpServer;
  let url: string;
  const publishers: TestProcess[] = [];

  beforeAll(async () => {
    pipeline = createPublishPipeline({
      hub,
      ladder: ladderSchema.parse(LADDER),
      ffmpegPath: 'ffmpeg',
      targetSegmentMs: 2000,
      partTargetMs: PART_TARGET_MS,
      log,
    });
    server = new RtmpServer({
      host: '127.0.0.1',
      port: 0,
      log,
      gate: new FakeGate(),
      pipeline,
      reconnectGraceMs: 10_000,
    });
    url = `rtmp://127.0.0.1:${await server.listen()}/live/good-${ROOM}`;
  });

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await server?.stop();
    await pipeline?.close();
  });

  const publish = (durationS: number): TestProcess => {
    const p = publishTestStream({ url, size: '640x360', durationS });
    publishers.push(p);
    return p;
  };

  it('writes everything the replaced ffmpeg held before the discontinuity, and the tail at the end', async () => {
    const first = publish(60);
    await waitFor(() => sides(events, 'source').events.filter((e) => e.event === 'segmentEnd').length >= 3, {
      timeoutMs: 30_000,
      what: 'three source segments',
    });
    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(() => lines.some((l) => l.msg === 'publisher gone; waiting for it to reconnect'), {
      what: 'the publisher to be gone',
    });
    const second = publish(5);
    expect(await second.exited).toBe(0);
    await waitFor(() => events.at(-1)?.event === 'streamEnded', { timeoutMs: 20_000, what: 'the stream to end' });

    expect(lines.filter((l) => l.msg === 'publish continued by a new publisher')).toHaveLength(1);
    const flushed = lines.find((l) => l.msg === 'replaced ffmpeg flushed');
    const [source, transcoded] = RENDITIONS.map((r) => sides(events, r)) as [Sides, Sides];
    console.info(
      `replaced ffmpeg flushed in ${String(flushed?.flushMs)} ms; media before / after the discontinuity: ` +
        RENDITIONS.map((r, i) => {
          const s = i === 0 ? source : transcoded;
          return `${r} ${sumMs(s.before)} / ${sumMs(s.after)} ms`;
        }).join(', '),
    );
    expect(flushed).toMatchObject({ outcome: 'exited' });
    for (const s of [source, transcoded]) {
      expect(s.events.filter((e) => e.event === 'discontinuity')).toHaveLength(1);
      // The old media, its segment closed, the discontinuity, the new init segment, then the new media.
      const cut = s.events.findIndex((e) => e.event === 'discontinuity');
      expect(s.events.slice(cut - 2, cut + 2).map((e) => e.event)).toEqual([
        'part',
        'segmentEnd',
        'discontinuity',
        'initSegment',
      ]);
      expect(s.after[0]?.independent).toBe(true);
    }
    expect(sumMs(source.before)).toBeGreaterThan(5000);
    expect(Math.abs(sumMs(transcoded.before) - sumMs(source.before))).toBeLessThanOrEqual(PART_TARGET_MS);
    expect(Math.abs(endMs(transcoded.before) - endMs(source.before))).toBeLessThanOrEqual(PART_TARGET_MS);
    // The second publisher unpublished: its ffmpeg flushed at the end of the publish.
    expect(sumMs(source.after)).toBeGreaterThan(4000);
    expect(Math.abs(sumMs(transcoded.after) - sumMs(source.after))).toBeLessThanOrEqual(PART_TARGET_MS);
    expect(Math.abs(endMs(transcoded.after) - endMs(source.after))).toBeLessThanOrEqual(PART_TARGET_MS);
  }, 90_000);
});

describe('a transcode across reconnects that come faster than a flush', () => {
  let dir: string;

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kills the run a second reconnect replaces while the first flushes, keeping every rendition in order', async () => {
    dir = await mkdtemp(join(tmpdir(), 'onair-transcoder-'));
    const tags = await recordPublish(dir, 4);
    const h = openHarness(
      LADDER,
      { width: 1280, height: 720, framerate: 25, videocodecid: 7, audiocodecid: 10 },
      {
        partTargetMs: PART_TARGET_MS,
        endTimeoutMs: 60_000,
      },
    );
    try {
      replay(h.sink, tags, 0, Infinity);
      await waitFor(() => RENDITIONS.every((r) => sides(h.events, r).events.some((e) => e.event === 'segmentEnd')), {
        timeoutMs: 30_000,
        what: 'first segments',
      });
      // 4 s arrived at once: the first flush has seconds to encode, and the second publisher leaves at once.
      expect(await h.sink.reconnect()).toBeDefined();
      replay(h.sink, tags, 0, 2000);
      expect(await h.sink.reconnect()).toBeDefined();
      replay(h.sink, tags, 0, Infinity);
      await h.sink.end('publisher left');

      expect(h.dropped).toEqual([]);
      expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
      // The first flushed; the second, killed at once, may finish first.
      const outcomes = h.logs.filter((l) => l.msg === 'replaced ffmpeg flushed').map((l) => String(l.outcome));
      expect(outcomes.sort()).toEqual(['exited', 'failed']);
      for (const rendition of RENDITIONS) {
        const mine = sides(h.events, rendition).events;
        expect(mine.filter((e) => e.event === 'discontinuity')).toHaveLength(2);
        // After each discontinuity an init segment comes before any part.
        let needsInit = false;
        for (const e of mine) {
          if (e.event === 'discontinuity') needsInit = true;
          if (e.event === 'initSegment') needsInit = false;
          expect(e.event === 'part' && needsInit).toBe(false);
        }
        const sequences = mine.flatMap((e) => (e.event === 'segmentEnd' ? [e.segmentEnd.segmentSequence] : []));
        expect(sequences).toEqual(sequences.map((_, i) => (sequences[0] ?? 0) + i));
      }
      // The last publisher's media, after the last discontinuity, is whole in both renditions.
      const last = (r: string): Part[] => {
        const mine = sides(h.events, r).events;
        const cut = mine.map((e) => e.event).lastIndexOf('discontinuity');
        return mine.slice(cut).flatMap((e) => (e.event === 'part' ? [e.part] : []));
      };
      expect(sumMs(last('source'))).toBeGreaterThan(3500);
      expect(Math.abs(sumMs(last('240p')) - sumMs(last('source')))).toBeLessThanOrEqual(PART_TARGET_MS);
      expect(h.events.at(-1)).toEqual({ event: 'streamEnded', streamEnded: { reason: 'publisher left' } });
    } finally {
      await h.pipeline.close();
    }
  }, 90_000);
});

describe('the timeline anchor of a publish whose recording follows a transcode', () => {
  let dir: string;

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts what the replaced ffmpeg flushed: a ladder without source', async () => {
    dir = await mkdtemp(join(tmpdir(), 'onair-transcoder-'));
    const tags = await recordPublish(dir, 4);
    const h = openHarness(
      '240p=426x240@300k',
      { width: 1280, height: 720, videocodecid: 7, audiocodecid: 10 },
      {
        partTargetMs: PART_TARGET_MS,
        endTimeoutMs: 60_000,
      },
    );
    try {
      replay(h.sink, tags, 0, Infinity);
      await waitFor(() => sides(h.events, '240p').events.some((e) => e.event === 'segmentEnd'), {
        timeoutMs: 30_000,
        what: 'a first segment',
      });
      const anchor = await h.sink.reconnect();
      replay(h.sink, tags, 0, Infinity);
      await h.sink.end('publisher left');
      const before = sumMs(sides(h.events, '240p').before);
      console.info(`anchor ${JSON.stringify(anchor)}; 240p before the discontinuity: ${before} ms`);
      expect(before).toBeGreaterThan(3500);
      expect(Math.abs((anchor?.streamTimeMs ?? 0) - before)).toBeLessThanOrEqual(1);
    } finally {
      await h.pipeline.close();
    }
  }, 90_000);
});
