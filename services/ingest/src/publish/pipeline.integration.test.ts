import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@onair/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlvTagRecord } from './flv-reader.js';
import {
  eventsOf,
  openHarness,
  partsOf,
  probeSegment,
  recordPublish,
  replay,
  ROOM,
  STARTED_AT_MS,
  type PipelineHarness,
} from '../testing/pipeline-harness.js';

// What OBS sends in @setDataFrame onMetaData for the recorded stream (rates in kbit/s).
const META = {
  width: 1280,
  height: 720,
  framerate: 25,
  videocodecid: 7,
  videodatarate: 1000,
  audiocodecid: 10,
  audiodatarate: 96,
};
const LADDER = 'source,480p=854x480@1200k';

let dir: string;
let tags: FlvTagRecord[];
let h: PipelineHarness | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-pipeline-'));
  tags = await recordPublish(dir, 8);
});
afterEach(async () => {
  await h?.pipeline.close();
  h = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createPublishPipeline with real ffmpeg and the default ladder', () => {
  it('publishes both renditions: ~2 s segments starting on keyframes, playable parts', async () => {
    // 8 s of media arrive at once: the 480p transcode may take longer than the default flush bound on a busy machine.
    h = openHarness(LADDER, META, { endTimeoutMs: 60_000 });
    replay(h.sink, tags, 0, Infinity);
    await h.sink.end('publisher left');
    const renditions = h.started()?.renditions ?? [];
    expect(renditions.map(({ codecs: _, ...rest }) => rest)).toEqual([
      { name: 'source', bandwidth: 1_096_000, width: 1280, height: 720, frameRate: 25 },
      { name: '480p', bandwidth: 1_328_000, width: 854, height: 480, frameRate: 25 },
    ]);
    for (const r of renditions) expect(r.codecs).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
    for (const [rendition, width, height] of [
      ['source', 1280, 720],
      ['480p', 854, 480],
    ] as const) {
      const ends = eventsOf(h.events, 'segmentEnd', rendition).map((e) => e.segmentEnd);
      // Numbered from the publish start in tenths of a second (firstMediaSequence).
      const first = STARTED_AT_MS / 100;
      expect(ends.map((e) => e.segmentSequence)).toEqual([first, first + 1, first + 2, first + 3]);
      for (const end of ends) {
        const parts = partsOf(h.events, rendition, end.segmentSequence);
        expect(parts.map((p) => p.partIndex)).toEqual(parts.map((_, i) => i));
        expect(parts[0]?.independent).toBe(true);
        expect(parts[0]?.programDateTimeMs).toBeCloseTo(STARTED_AT_MS + 2000 * (end.segmentSequence - first), -2);
        expect(end.durationMs).toBeCloseTo(
          parts.reduce((s, p) => s + p.durationMs, 0),
          6,
        );
        expect(Math.abs(end.durationMs - 2000)).toBeLessThan(end.segmentSequence === first + 3 ? 200 : 50);
      }
      const [init] = eventsOf(h.events, 'initSegment', rendition);
      const probe = await probeSegment(
        dir,
        `${rendition}-1`,
        init?.initSegment.data ?? Buffer.alloc(0),
        partsOf(h.events, rendition, first + 1),
      );
      expect(probe.streams.map((s) => [s.codec_type, s.codec_name, s.width, s.height])).toEqual([
        ['video', 'h264', width, height],
        ['audio', 'aac', undefined, undefined],
      ]);
      expect(probe.videoFrames).toBe(50);
    }
    expect(h.events.at(-1)).toEqual({ event: 'streamEnded', streamEnded: { reason: 'publisher left' } });
    expect(h.hub.get(ROOM)).toBeUndefined();
  }, 60_000);

  it('restarts a killed ffmpeg: a discontinuity in the transcode only, a new init, continued sequence numbers', async () => {
    const harness = (h = openHarness(LADDER, META));
    replay(harness.sink, tags, 0, 4000);
    await waitFor(() => ['source', '480p'].every((r) => eventsOf(harness.events, 'segmentEnd', r).length > 0), {
      timeoutMs: 30_000,
      what: 'first segments',
    });
    const [pid] = harness.ffmpegPids();
    process.kill(pid ?? NaN, 'SIGKILL');
    await waitFor(() => eventsOf(harness.events, 'discontinuity', '480p').length === 1, {
      timeoutMs: 10_000,
      what: 'discontinuity',
    });
    replay(harness.sink, tags, 4000, Infinity);
    await harness.sink.end('publisher left');
    expect(harness.logs.filter((l) => l.msg === 'ffmpeg restarting')).toMatchObject([{ level: 'warn' }]);
    expect(new Set(harness.ffmpegPids()).size).toBe(2);
    // The source rendition never went through ffmpeg: it runs on without a break.
    expect(eventsOf(harness.events, 'discontinuity', 'source')).toEqual([]);
    expect(eventsOf(harness.events, 'segmentEnd', 'source').map((e) => e.segmentEnd.durationMs)).toEqual([
      2000, 2000, 2000, 2000,
    ]);
    const mine = harness.events.filter((e) => JSON.stringify(e).includes('"rendition":"480p"'));
    const d = mine.findIndex((e) => e.event === 'discontinuity');
    const [lastBefore, ...after] = [mine[d - 1], ...mine.slice(d + 1)];
    // The segment open at the kill is closed first; the new init comes before any part.
    if (lastBefore?.event !== 'segmentEnd' || after[0]?.event !== 'initSegment') throw new Error('order: 480p');
    const next = lastBefore.segmentEnd.segmentSequence + 1;
    const parts = partsOf(harness.events, '480p', next);
    expect(parts[0]).toMatchObject({ partIndex: 0, independent: true });
    expect(parts[0]?.programDateTimeMs).toBeCloseTo(STARTED_AT_MS + 4000, -2);
    const probe = await probeSegment(dir, '480p-restarted', after[0].initSegment.data, parts);
    expect(probe.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    expect(probe.videoFrames).toBe(parts.reduce((n, p) => n + p.videoFrames, 0));
  }, 60_000);

  it('publishes a source-only ladder in process: no ffmpeg, every frame in playable parts', async () => {
    h = openHarness('source', META);
    replay(h.sink, tags, 0, Infinity);
    await h.sink.end('publisher left');
    expect(h.ffmpegPids()).toEqual([]);
    expect(h.started()?.renditions.map((r) => [r.name, r.codecs, r.width, r.height])).toEqual([
      ['source', expect.stringMatching(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/), 1280, 720],
    ]);
    const parts = eventsOf(h.events, 'part', 'source').map((e) => e.part);
    expect(parts.reduce((n, p) => n + p.videoFrames, 0)).toBe(200);
    for (const p of parts) expect(p.durationMs).toBeLessThanOrEqual(334);
    const [init] = eventsOf(h.events, 'initSegment', 'source');
    const probe = await probeSegment(dir, 'source-only', init?.initSegment.data ?? Buffer.alloc(0), parts);
    expect(probe.videoFrames).toBe(200);
  }, 60_000);

  it('continues the stream for a reconnecting publisher: a discontinuity per rendition, sequences going on', async () => {
    h = openHarness(LADDER, META, { endTimeoutMs: 60_000 });
    const harness = h;
    replay(harness.sink, tags, 0, 4000);
    await waitFor(() => ['source', '480p'].every((r) => eventsOf(harness.events, 'segmentEnd', r).length > 0), {
      timeoutMs: 30_000,
      what: 'first segments',
    });
    const reconnectedAtMs = Date.now();
    const anchor = await harness.sink.reconnect();
    // The new publisher's timestamps start from 0 again, as a reconnecting encoder's do.
    replay(harness.sink, tags, 0, Infinity);
    await harness.sink.end('publisher left');
    expect(new Set(harness.ffmpegPids()).size).toBe(2);
    // The anchor ties the program date-time of the new media to the source's media before the gap (EXTINF sum).
    expect(anchor?.atMs).toBeGreaterThanOrEqual(reconnectedAtMs);
    expect(anchor?.atMs).toBeLessThan(reconnectedAtMs + 1000);
    const sourceEvents = harness.events.filter((e) => JSON.stringify(e).includes('"rendition":"source"'));
    const beforeGap = sourceEvents.slice(
      0,
      sourceEvents.findIndex((e) => e.event === 'discontinuity'),
    );
    const recordedMs = beforeGap.reduce((ms, e) => (e.event === 'segmentEnd' ? ms + e.segmentEnd.durationMs : ms), 0);
    expect(recordedMs).toBeGreaterThan(2000);
    expect(Math.abs((anchor?.streamTimeMs ?? 0) - recordedMs)).toBeLessThanOrEqual(1);
    for (const rendition of ['source', '480p']) {
      expect(eventsOf(harness.events, 'discontinuity', rendition)).toHaveLength(1);
      const sequences = eventsOf(harness.events, 'segmentEnd', rendition).map((e) => e.segmentEnd.segmentSequence);
      expect(sequences).toEqual(sequences.map((_, i) => (sequences[0] ?? 0) + i));
      const mine = harness.events.filter((e) => JSON.stringify(e).includes(`"rendition":"${rendition}"`));
      const d = mine.findIndex((e) => e.event === 'discontinuity');
      const [before, init] = [mine[d - 1], mine[d + 1]];
      if (before?.event !== 'segmentEnd' || init?.event !== 'initSegment') throw new Error(`order: ${rendition}`);
      const next = before.segmentEnd.segmentSequence + 1;
      const parts = partsOf(harness.events, rendition, next);
      expect(parts[0]).toMatchObject({ partIndex: 0, independent: true });
      // Program date-time follows the wall clock across the reconnect.
      expect(parts[0]?.programDateTimeMs).toBeGreaterThanOrEqual(reconnectedAtMs - 1000);
      // The source's new media starts at the anchor (its first sample may trail the other track's by a frame).
      if (rendition === 'source') expect((parts[0]?.programDateTimeMs ?? 0) - (anchor?.atMs ?? 0)).toBeLessThan(100);
      const probe = await probeSegment(dir, `${rendition}-reconnected`, init.initSegment.data, parts);
      expect(probe.videoFrames).toBe(parts.reduce((n, p) => n + p.videoFrames, 0));
    }
  }, 90_000);
});
