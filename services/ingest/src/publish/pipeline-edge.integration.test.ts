import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@onair/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlvTagRecord } from './flv-reader.js';
import {
  eventsOf,
  openHarness,
  recordPublish,
  replay,
  STARTED_AT_MS,
  type PipelineHarness,
} from '../testing/pipeline-harness.js';
import { DEFAULT_LADDER } from '../transcode/ladder.js';

let dir: string;
let tags: FlvTagRecord[];
let h: PipelineHarness | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-pipeline-edge-'));
  tags = await recordPublish(dir, 5);
});
afterEach(async () => {
  await h?.pipeline.close();
  h = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createPublishPipeline with real ffmpeg on unusual publishes', () => {
  it.each([
    {
      name: 'an audio-only',
      ladder: 'source,480p=854x480@1200k',
      meta: { audiocodecid: 10, audiodatarate: 96 },
      kinds: { audio: true, video: false },
      codecs: ['mp4a.40.2', 'mp4a.40.2'],
      fps: 0,
    },
    {
      name: 'a video-only',
      ladder: 'source',
      meta: { width: 640, height: 360, videocodecid: 7 },
      kinds: { audio: false, video: true },
      codecs: [expect.stringMatching(/^avc1\.64[0-9a-f]{4}$/) as unknown as string],
      fps: 25,
    },
  ])(
    'publishes $name stream',
    async ({ ladder, meta, kinds, codecs, fps }) => {
      h = openHarness(ladder, meta);
      replay(h.sink, tags, 0, 4500, kinds);
      await h.sink.end('publisher left');
      expect(h.started()?.renditions.map((r) => r.codecs)).toEqual(codecs);
      const parts = eventsOf(h.events, 'part', 'source').map((e) => e.part);
      // Audio parts are all independent; video parts only where a GOP (and so a segment) starts.
      expect(parts.every((p) => p.independent === (fps === 0 || p.partIndex === 0))).toBe(true);
      const durations = eventsOf(h.events, 'segmentEnd', 'source').map((e) => e.segmentEnd.durationMs);
      expect(durations.slice(0, 2).map((d) => Math.abs(d - 2000) < 100)).toEqual([true, true]);
      expect(durations.reduce((a, b) => a + b, 0)).toBeCloseTo(4500, -2);
      const frames = parts.reduce((n, p) => n + p.videoFrames, 0);
      expect((frames * 1000) / parts.reduce((n, p) => n + p.durationMs, 0)).toBeCloseTo(fps, 0);
    },
    60_000,
  );

  it('leaves out renditions that would upscale the source', async () => {
    const harness = (h = openHarness(DEFAULT_LADDER, { width: 640, height: 360, videocodecid: 7, audiocodecid: 10 }));
    replay(harness.sink, tags, 0, 1500);
    const started = await waitFor(() => harness.started(), { timeoutMs: 30_000, what: 'stream start' });
    expect(started.renditions.map((r) => r.name)).toEqual(['source']);
    expect(harness.logs.find((l) => l.msg === 'ladder fitted to the source')).toMatchObject({
      sourceHeight: 360,
      ladder: ['source'],
    });
  }, 60_000);

  it('drops the publish when ffmpeg stops taking its input', async () => {
    const harness = (h = openHarness(
      '240p=426x240@300k',
      { width: 1280, videocodecid: 7, audiocodecid: 10 },
      { maxPendingBytes: 200 * 1024 },
    ));
    // The encoder holds frames back (lookahead, B-frames) before its first part: media goes in at about real time,
    // below the pending bound, until the stream starts.
    let fed = 0;
    for (; !harness.started() && fed < 8000; fed += 200) {
      replay(harness.sink, tags, fed, fed + 200);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitFor(() => harness.started(), { timeoutMs: 30_000, what: 'stream start' });
    const [pid] = harness.ffmpegPids();
    process.kill(pid ?? NaN, 'SIGSTOP');
    replay(harness.sink, tags, fed, Infinity);
    await harness.sink.end('publisher left');
    expect(harness.logs.find((l) => l.msg === 'ffmpeg stalled')).toMatchObject({
      level: 'warn',
      maxPendingBytes: 200 * 1024,
    });
    expect(harness.events.at(-1)).toEqual({ event: 'streamEnded', streamEnded: { reason: 'ffmpeg stalled' } });
    expect(harness.dropped).toEqual(['ffmpeg stalled']);
    // Killed, not left stopped.
    expect(() => process.kill(pid ?? NaN, 0)).toThrow();
  }, 60_000);

  it('drops an onMetaData too large for an FLV tag with a warning and publishes without it', async () => {
    // What AMF0 references (§2.9) can make of a small message: 20 MiB once re-encoded, over a tag's 16 MiB.
    const huge = { videocodecid: 7, x: Array<string>(20).fill('A'.repeat(1 << 20)) };
    const harness = (h = openHarness('source', huge));
    expect(harness.logs.find((l) => l.msg === 'onMetaData over the size limit dropped')).toMatchObject({
      level: 'warn',
    });
    replay(harness.sink, tags, 0, 1500);
    const started = await waitFor(() => harness.started(), { timeoutMs: 30_000, what: 'stream start' });
    expect(started.renditions.map((r) => r.name)).toEqual(['source']);
    expect(harness.dropped).toEqual([]);
  }, 60_000);

  it('keeps program date-time on the wall clock when the encoder stamps media hours past its sequence headers', async () => {
    const harness = (h = openHarness('source', { width: 1280, videocodecid: 7, audiocodecid: 10 }));
    // ffmpeg with -output_ts_offset: sequence headers at 0, media from just below 2^24 ms on.
    const offset = 2 ** 24 - 3000;
    for (const t of tags) {
      const header = t.body[1] === 0;
      const ts = header ? 0 : t.timestampMs + offset;
      if (t.type === 8) harness.sink.audio(ts, t.body);
      if (t.type === 9) harness.sink.video(ts, t.body);
    }
    await harness.sink.end('publisher left');
    const parts = eventsOf(harness.events, 'part', 'source').map((e) => e.part);
    expect(parts[0]?.programDateTimeMs).toBeLessThan(STARTED_AT_MS + 1000);
    const frames = tags.filter((t) => t.type === 9 && t.body[1] === 1).length;
    expect(parts.reduce((n, p) => n + p.videoFrames, 0)).toBe(frames);
    expect(harness.logs.filter((l) => l.msg === 'publisher timestamps rebased')).toHaveLength(1);
  }, 60_000);
});
