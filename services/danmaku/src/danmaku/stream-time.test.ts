import { describe, expect, it } from 'vitest';
import { streamTimeOf } from './stream-time.js';

const rule = { playheadMaxBehindMs: 30_000, typicalLatencyMs: 3000 };
const publish = { publishId: 'p1', startedAtMs: 1_000_000 };
/** The fake clock: the server's wall clock at the post, 100 s into the publish. */
const now = 1_100_000;

describe('streamTimeOf', () => {
  it.each([
    ['a playhead 2 s behind the live edge', now - 2000, 98_000],
    ['a playhead at the oldest plausible moment', now - 30_000, 70_000],
    ['a playhead at the most skewed plausible moment', now + 1000, 101_000],
    ['no playhead: the live edge minus the typical latency', undefined, 97_000],
    ['a playhead too far behind', now - 30_001, 97_000],
    ['a playhead in the future', now + 1001, 97_000],
  ])('places %s', (_, playheadMs, streamTimeMs) => {
    expect(streamTimeOf(publish, now, playheadMs, rule)).toEqual({ publishId: 'p1', streamTimeMs });
  });

  it('floors a plausible playhead from before the publish started at 0', () => {
    const recent = { publishId: 'p2', startedAtMs: now - 10_000 };
    expect(streamTimeOf(recent, now, recent.startedAtMs - 500, rule)).toEqual({ publishId: 'p2', streamTimeMs: 0 });
  });

  it('floors the estimate at 0 right after the publish started', () => {
    expect(streamTimeOf(publish, publish.startedAtMs + 1000, undefined, rule)).toEqual({
      publishId: 'p1',
      streamTimeMs: 0,
    });
  });

  it('gives -1 and no publish when the room is not live, playhead or not', () => {
    expect(streamTimeOf(undefined, now, now - 1000, rule)).toEqual({ streamTimeMs: -1 });
    expect(streamTimeOf(undefined, now, undefined, rule)).toEqual({ streamTimeMs: -1 });
  });
});

describe('streamTimeOf after reconnects of the publisher', () => {
  /** 80 s of media, then a reconnect that took 4 s: the media after it is stamped from 1_084_000 on. */
  const continued = { publishId: 'p3', startedAtMs: 1_000_000, anchors: [{ atMs: 1_084_000, streamTimeMs: 80_000 }] };

  it.each([
    ['a playhead after the reconnect: through its anchor', 1_099_000, 95_000],
    ['a playhead before the reconnect', 1_078_000, 78_000],
    ['a playhead in the gap: where the media after it starts', 1_082_000, 80_000],
    ['no playhead: the estimate goes through the anchor too', undefined, 93_000],
  ])('places %s', (_, playheadMs, streamTimeMs) => {
    expect(streamTimeOf(continued, now, playheadMs, rule)).toEqual({ publishId: 'p3', streamTimeMs });
  });
});
