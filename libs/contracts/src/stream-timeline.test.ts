import { describe, expect, it } from 'vitest';
import type { LiveEntry } from './live-bucket.js';
import { appendAnchor, MAX_TIMELINE_ANCHORS, streamTimeAt, wallClockAt } from './stream-timeline.js';

/**
 * A publish started at 1_000_000 whose publisher reconnected twice: 14 s of media, a gap of 6 s (the media after it
 * stamped 1_020_000), 20 s more, then a gap of 3 s (stamped 1_043_000 on).
 */
const continued: LiveEntry = {
  publishId: 'p',
  startedAtMs: 1_000_000,
  anchors: [
    { atMs: 1_020_000, streamTimeMs: 14_000 },
    { atMs: 1_043_000, streamTimeMs: 34_000 },
  ],
};
const plain: LiveEntry = { publishId: 'p', startedAtMs: 1_000_000 };

describe('streamTimeAt', () => {
  it.each([
    ['no anchors: the wall clock since the start', plain, 1_012_345, 12_345],
    ['no anchors, before the start: floored at 0', plain, 999_000, 0],
    ['an empty anchor list', { ...plain, anchors: [] }, 1_005_000, 5000],
    ['before the first anchor: floored at 0', continued, 999_000, 0],
    ['at the start', continued, 1_000_000, 0],
    ['before the first reconnect', continued, 1_010_000, 10_000],
    ['the end of the media before the first gap', continued, 1_014_000, 14_000],
    ['in the first gap: where the media after it starts', continued, 1_017_000, 14_000],
    ['just before the media after the gap', continued, 1_019_999, 14_000],
    ['at the first anchor', continued, 1_020_000, 14_000],
    ['after the first anchor', continued, 1_025_500, 19_500],
    ['in the second gap', continued, 1_041_000, 34_000],
    ['after the last anchor', continued, 1_050_000, 41_000],
  ])('maps %s', (_, entry, wallClockMs, streamTimeMs) => {
    expect(streamTimeAt(entry, wallClockMs)).toBe(streamTimeMs);
  });

  it('maps through the last of many anchors, a reconnect that wrote no media included', () => {
    const anchors = Array.from({ length: MAX_TIMELINE_ANCHORS }, (_, i) => ({
      atMs: 1_000_000 + (i + 1) * 10_000,
      streamTimeMs: (i + 1) * 8000,
    }));
    const many: LiveEntry = { ...plain, anchors: [...anchors.slice(0, -1), { ...anchors.at(-2)!, atMs: 1_165_000 }] };
    expect(streamTimeAt(many, 1_095_000)).toBe(72_000 + 5000);
    expect(streamTimeAt(many, 1_152_000)).toBe(120_000);
    expect(streamTimeAt(many, 1_160_000)).toBe(120_000);
    expect(streamTimeAt(many, 1_166_000)).toBe(121_000);
  });
});

describe('wallClockAt', () => {
  it.each([
    ['no anchors', plain, 12_345, 1_012_345],
    ['before the first reconnect', continued, 10_000, 1_010_000],
    ['the first reconnect: after the gap', continued, 14_000, 1_020_000],
    ['after the first reconnect', continued, 19_500, 1_025_500],
    ['after the last reconnect', continued, 41_000, 1_050_000],
  ])('places %s', (_, entry, streamTimeMs, wallClockMs) => {
    expect(wallClockAt(entry, streamTimeMs)).toBe(wallClockMs);
  });

  it('is undone by streamTimeAt', () => {
    for (const t of [0, 1, 13_999, 14_000, 14_001, 33_999, 34_000, 90_000])
      expect(streamTimeAt(continued, wallClockAt(continued, t))).toBe(t);
  });
});

describe('appendAnchor', () => {
  it('appends to none or some', () => {
    expect(appendAnchor(undefined, { atMs: 5, streamTimeMs: 4 })).toEqual([{ atMs: 5, streamTimeMs: 4 }]);
    expect(appendAnchor([{ atMs: 5, streamTimeMs: 4 }], { atMs: 9, streamTimeMs: 6 })).toEqual([
      { atMs: 5, streamTimeMs: 4 },
      { atMs: 9, streamTimeMs: 6 },
    ]);
  });

  it(`keeps the last ${MAX_TIMELINE_ANCHORS}`, () => {
    let anchors = appendAnchor(undefined, { atMs: 0, streamTimeMs: 0 });
    for (let i = 1; i <= 20; i++) anchors = appendAnchor(anchors, { atMs: i * 10, streamTimeMs: i });
    expect(anchors).toHaveLength(MAX_TIMELINE_ANCHORS);
    expect(anchors[0]).toEqual({ atMs: 50, streamTimeMs: 5 });
    expect(anchors.at(-1)).toEqual({ atMs: 200, streamTimeMs: 20 });
  });
});
