import { describe, expect, it } from 'vitest';
import { sparklinePoints } from './sparkline.js';

const size = { width: 102, height: 22 };

describe('sparklinePoints', () => {
  it.each([
    ['no points', [], ''],
    ['one point, at the right edge', [5], '101.0,1.0'],
    ['a rise from zero across the width', [0, 5, 10], '1.0,21.0 51.0,11.0 101.0,1.0'],
    ['an all-zero series on the bottom', [0, 0], '1.0,21.0 101.0,21.0'],
    ['a flat series at the top (scaled from zero)', [7, 7], '1.0,1.0 101.0,1.0'],
    ['negative values from the lowest', [-10, 10], '1.0,21.0 101.0,1.0'],
  ])('draws %s', (_name, values, points) => {
    expect(sparklinePoints(values, size)).toBe(points);
  });
});
