import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimestampRebaser } from './timestamp-rebaser.js';

const mapAll = (timestamps: readonly number[]): { out: number[]; rebased: number } => {
  const r = new TimestampRebaser();
  return { out: timestamps.map((t) => r.map(t)), rebased: r.rebaseCount };
};

describe('TimestampRebaser', () => {
  it.each([
    { name: 'steady timestamps', input: [0, 33, 67, 100], want: [0, 33, 67, 100], rebased: 0 },
    { name: 'audio a little behind video', input: [1000, 980, 1033, 1001], want: [1000, 980, 1033, 1001], rebased: 0 },
    {
      name: 'the 2^24 ms boundary of the 24-bit header field',
      input: [16_777_200, 16_777_233, 16_777_266],
      want: [16_777_200, 16_777_233, 16_777_266],
      rebased: 0,
    },
    {
      name: 'the 2^32 ms wrap (49.7 days)',
      input: [4_294_967_250, 4_294_967_283, 20, 53],
      want: [4_294_967_250, 4_294_967_283, 4_294_967_316, 4_294_967_349],
      rebased: 0,
    },
    {
      name: 'an encoder clock reset to 0',
      input: [50_000, 50_033, 0, 33],
      want: [50_000, 50_033, 50_033, 50_066],
      rebased: 1,
    },
    {
      name: 'a jump of an hour forward',
      input: [1000, 1033, 3_601_033, 3_601_066],
      want: [1000, 1033, 1033, 1066],
      rebased: 1,
    },
  ])('maps $name', ({ input, want, rebased }) => {
    expect(mapAll(input)).toEqual({ out: want, rebased });
  });

  it('never goes back more than a second and never jumps more than ten seconds, whatever comes in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 200 }), (input) => {
        const { out } = mapAll(input);
        let latest = out[0] ?? 0;
        for (const t of out) {
          expect(Number.isSafeInteger(t)).toBe(true);
          expect(t).toBeGreaterThanOrEqual(latest - 1000);
          expect(t).toBeLessThanOrEqual(latest + 10_000);
          latest = Math.max(latest, t);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
