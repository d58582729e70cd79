/**
 * Colour conversions between the danmaku frame's `#rrggbb` and the decimal RGB888 integer of Bilibili XML `p[3]`
 * and DPlayer v3 `color` (16777215 = #ffffff; danmaku-formats.md §3.2, §3.4).
 */

/** Largest RGB888 value, white. */
export const MAX_RGB = 0xffffff;

/** `#rrggbb` (either case) → decimal RGB888 integer, e.g. `#ff0000` → 16711680. Throws on another shape (a bug). */
export function colorToDecimal(color: string): number {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) throw new Error(`not a #rrggbb colour: ${color}`);
  return Number.parseInt(color.slice(1), 16);
}

/**
 * Decimal RGB888 integer → `#rrggbb`, lower case; undefined when `value` is not an integer in 0..16777215.
 * @example decimalToColor(16777215) === '#ffffff'
 */
export function decimalToColor(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value > MAX_RGB) return undefined;
  return `#${value.toString(16).padStart(6, '0')}`;
}
