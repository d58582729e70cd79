import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LaneAllocator, type LaneRequest } from './ass-lanes.js';

const W = 1000;

function request(overrides: Partial<LaneRequest>): LaneRequest {
  return { motion: 'scroll', startMs: 0, durationMs: 1000, widthPx: 100, lanes: 1, ...overrides };
}

/** Left and right edge of a placed danmaku at `atMs`, px, as the ASS export draws it. */
function extent(r: LaneRequest, atMs: number): [number, number] {
  const speed = (W + r.widthPx) / r.durationMs;
  const elapsed = atMs - r.startMs;
  if (r.motion === 'fixed') return [(W - r.widthPx) / 2, (W + r.widthPx) / 2];
  const left = r.motion === 'scroll' ? W - speed * elapsed : -r.widthPx + speed * elapsed;
  return [left, left + r.widthPx];
}

describe('LaneAllocator', () => {
  it('puts simultaneous danmaku in different lanes and reuses a lane once free', () => {
    const lanes = new LaneAllocator(3, W);
    expect(lanes.place(request({ motion: 'fixed' }))).toBe(0);
    expect(lanes.place(request({ motion: 'fixed' }))).toBe(1);
    expect(lanes.place(request({ motion: 'fixed', startMs: 1000 }))).toBe(0);
  });

  it('fills bottom danmaku from the last lane up', () => {
    const lanes = new LaneAllocator(3, W);
    expect(lanes.place(request({ motion: 'fixed' }), true)).toBe(2);
    expect(lanes.place(request({ motion: 'fixed' }), true)).toBe(1);
  });

  it('lets a scroll danmaku follow once the one before has fully entered and cannot be caught', () => {
    const lanes = new LaneAllocator(2, W);
    expect(lanes.place(request({ widthPx: 100 }))).toBe(0);
    // 100 px at 1.1 px/ms: its tail is on screen after 91 ms
    expect(lanes.place(request({ startMs: 50, widthPx: 100 }))).toBe(1);
    expect(lanes.place(request({ startMs: 95, widthPx: 100 }))).toBe(0);
  });

  it('keeps a faster (wider) danmaku out of a lane where it would catch up', () => {
    const lanes = new LaneAllocator(2, W);
    expect(lanes.place(request({ widthPx: 10 }))).toBe(0);
    expect(lanes.place(request({ startMs: 100, widthPx: 900 }))).toBe(1);
  });

  it('never mixes motions in a lane while the last one is on screen', () => {
    const lanes = new LaneAllocator(2, W);
    expect(lanes.place(request({ motion: 'scroll' }))).toBe(0);
    expect(lanes.place(request({ motion: 'reverse', startMs: 500 }))).toBe(1);
    expect(lanes.place(request({ motion: 'fixed', startMs: 600 }))).toBe(-1);
    expect(lanes.place(request({ motion: 'fixed', startMs: 1000 }))).toBe(0);
  });

  it('gives a large danmaku consecutive lanes, or none', () => {
    const lanes = new LaneAllocator(3, W);
    expect(lanes.place(request({ motion: 'fixed', lanes: 1 }))).toBe(0);
    expect(lanes.place(request({ motion: 'fixed', lanes: 2 }))).toBe(1);
    expect(lanes.place(request({ motion: 'fixed', lanes: 2 }))).toBe(-1);
    expect(lanes.place(request({ motion: 'fixed', lanes: 4, startMs: 5000 }))).toBe(-1);
  });

  it('never places two danmaku that overlap on screen', () => {
    const requestArbitrary = fc.record({
      motion: fc.constantFrom<LaneRequest['motion']>('scroll', 'reverse', 'fixed'),
      startMs: fc.integer({ min: 0, max: 5000 }),
      durationMs: fc.constantFrom(1000, 2000),
      widthPx: fc.integer({ min: 1, max: 1200 }),
      lanes: fc.integer({ min: 1, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(requestArbitrary, { maxLength: 30 }), fc.boolean(), (requests, fromBottom) => {
        const sorted = [...requests].sort((a, b) => a.startMs - b.startMs);
        const lanes = new LaneAllocator(4, W);
        const placed = sorted.map((r) => ({ r, lane: lanes.place(r, r.motion === 'fixed' && fromBottom) }));
        const shown = placed.filter((p) => p.lane >= 0);
        for (const [i, a] of shown.entries()) {
          for (const b of shown.slice(i + 1)) {
            const shareLane = a.lane < b.lane + b.r.lanes && b.lane < a.lane + a.r.lanes;
            const from = Math.max(a.r.startMs, b.r.startMs);
            const to = Math.min(a.r.startMs + a.r.durationMs, b.r.startMs + b.r.durationMs);
            if (!shareLane || from >= to) continue;
            for (let t = from; t < to; t += 5) {
              const [aLeft, aRight] = extent(a.r, t);
              const [bLeft, bRight] = extent(b.r, t);
              const onScreen = (left: number, right: number): boolean => right > 0 && left < W;
              if (onScreen(aLeft, aRight) && onScreen(bLeft, bRight))
                expect(aRight <= bLeft + 1e-6 || bRight <= aLeft + 1e-6).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
