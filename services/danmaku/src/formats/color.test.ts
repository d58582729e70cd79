import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { colorToDecimal, decimalToColor } from './color.js';

describe('colour conversion', () => {
  it.each([
    ['#ffffff', 16777215],
    ['#000000', 0],
    ['#ff0000', 16711680],
    ['#00ff7f', 65407],
    ['#0000ff', 255],
  ])('%s is %i', (hex, decimal) => {
    expect(colorToDecimal(hex)).toBe(decimal);
    expect(decimalToColor(decimal)).toBe(hex);
  });

  it('reads upper case hex', () => {
    expect(colorToDecimal('#FE2C55')).toBe(0xfe2c55);
  });

  it.each([-1, 16777216, 1.5, Number.NaN])('has no colour for %s', (value) => {
    expect(decimalToColor(value)).toBeUndefined();
  });

  it('throws on a colour that is not #rrggbb', () => {
    expect(() => colorToDecimal('#fff')).toThrow('not a #rrggbb colour');
  });

  it('round-trips every RGB888 value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (value) => {
        expect(colorToDecimal(decimalToColor(value) ?? '')).toBe(value);
      }),
    );
  });
});
