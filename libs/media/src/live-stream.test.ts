import { describe, expect, it } from 'vitest';
import type { MediaEvent, StreamStarted } from './events.js';
import type { LiveStream } from './live-stream.js';
import { MediaHub } from './media-hub.js';
import type { RenditionWindow, Segment } from './rendition-window.js';

const info: StreamStarted = {
  room: 'demo',
  publishId: 'p1',
  startedAtMs: 1_700_000_000_000,
  targetSegmentDurationMs: 2000,
  partTargetMs: 0,
  renditions: [
    { name: 'source', codecs: 'avc1.64001f', bandwidth: 2_000_000, width: 1280, height: 720, frameRate: 25 },
    { name: '480p', codecs: 'avc1.64001e', bandwidth: 1_000_000, width: 854, height: 480, frameRate: 25 },
  ],
};

/** Feeds one rendition of a hub, the way ingest's segmenter does. */
function feeder(hub: MediaHub, rendition: string) {
  const apply = (e: MediaEvent): void => hub.apply('demo', e);
  return {
    init: (data: string) => apply({ event: 'initSegment', initSegment: { rendition, data: Buffer.from(data) } }),
    discontinuity: () => apply({ event: 'discontinuity', discontinuity: { rendition } }),
    part: (segmentSequence: number, partIndex: number) =>
      apply({
        event: 'part',
        part: {
          rendition,
          segmentSequence,
          partIndex,
          data: Buffer.from(`${rendition}-${segmentSequence}-${partIndex}`),
          durationMs: 1000,
          independent: partIndex === 0,
          programDateTimeMs: info.startedAtMs + segmentSequence * 2000 + partIndex * 1000,
          videoFrames: 25,
          partSequence: segmentSequence * 100 + partIndex,
        },
      }),
    end: (segmentSequence: number) =>
      apply({ event: 'segmentEnd', segmentEnd: { rendition, segmentSequence, durationMs: 2000 } }),
  };
}

function segments(f: ReturnType<typeof feeder>, sequences: number[]): void {
  for (const seq of sequences) {
    f.part(seq, 0);
    f.part(seq, 1);
    f.end(seq);
  }
}

/** A relay following `origin` from now on: its snapshot first, then what comes live. */
function follow(origin: LiveStream | undefined): MediaHub {
  if (!origin) throw new Error('origin not live');
  const edge = new MediaHub({ windowSize: 3 });
  for (const e of origin.snapshot()) edge.apply('demo', e);
  origin.listen((e) => edge.apply('demo', e));
  return edge;
}

/** What a segment is to a playlist and to a snapshot. */
const segmentState = (s: Segment) => ({
  sequence: s.sequence,
  init: s.init.id,
  discontinuity: s.discontinuity,
  programDateTimeMs: s.programDateTimeMs,
  durationMs: s.durationMs,
  parts: s.parts.map((p) => p.data.toString()),
});

/** Everything a playlist or a snapshot is made of. */
function state(w: RenditionWindow | undefined) {
  if (!w) return undefined;
  const current = w.currentSegment();
  return {
    mediaSequence: w.mediaSequence(),
    discontinuitySequence: w.discontinuitySequence(),
    targetDurationS: w.targetDurationS(),
    segments: w.completeSegments().map(segmentState),
    current: current && segmentState(current),
    pending: w.discontinuityPending(),
    init: w.currentInit()?.id,
  };
}

function expectSameWindows(a: LiveStream | undefined, b: LiveStream | undefined): void {
  for (const { name } of info.renditions) expect(state(b?.window(name))).toEqual(state(a?.window(name)));
}

describe('LiveStream snapshot', () => {
  it('rebuilds the same windows on a fresh hub after discontinuities slid out', () => {
    const origin = new MediaHub({ windowSize: 3 });
    origin.start(info);
    const src = feeder(origin, 'source');
    const low = feeder(origin, '480p');
    src.init('src-a');
    low.init('low-a');
    segments(src, [10, 11]);
    segments(low, [10, 11]);
    // ffmpeg restarted: both renditions go on after a discontinuity, the source with a new init.
    src.discontinuity();
    low.discontinuity();
    src.init('src-b');
    low.init('low-a');
    segments(src, [12, 13]);
    segments(low, [12, 13]);
    src.discontinuity();
    segments(src, [14, 15, 16]);
    segments(low, [14, 15, 16]);
    src.part(17, 0);
    const stream = origin.get('demo');
    expect(stream?.window('source')?.discontinuitySequence()).toBe(1);
    expect(stream?.window('source')?.mediaSequence()).toBe(14);

    const edge = follow(stream);
    const started = edge.get('demo')?.info.renditions.map((r) => [r.name, r.discontinuitySequence]);
    expect(started).toEqual([
      ['source', 1],
      ['480p', 1],
    ]);
    expectSameWindows(stream, edge.get('demo'));
    src.part(17, 1);
    src.end(17);
    segments(src, [18]);
    expectSameWindows(stream, edge.get('demo'));
    expect(edge.get('demo')?.window('source')?.discontinuitySequence()).toBe(2);
  });

  it('carries a discontinuity that no part followed yet', () => {
    const origin = new MediaHub({ windowSize: 3 });
    origin.start(info);
    const src = feeder(origin, 'source');
    src.init('src-a');
    segments(src, [0]);
    src.discontinuity();
    const edge = follow(origin.get('demo'));
    src.init('src-b');
    segments(src, [1]);
    expect(edge.get('demo')?.window('source')?.segment(1)?.discontinuity).toBe(true);
    expectSameWindows(origin.get('demo'), edge.get('demo'));
  });
});
