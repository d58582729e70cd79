/**
 * The q-quantile of `values` by the nearest-rank method (the smallest value with at least q of the values at or
 * below it), or undefined when there are none.
 * @param {number[]} values
 * @param {number} q 0..1, e.g. 0.95 for p95.
 */
export function quantile(values, q) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Count, median, p95 and max of `values` (nearest rank, see {@link quantile}), in the values' unit.
 * @param {number[]} values
 * @returns {{ n: number, median: number | undefined, p95: number | undefined, max: number | undefined }}
 */
export function summarize(values) {
  return { n: values.length, median: quantile(values, 0.5), p95: quantile(values, 0.95), max: quantile(values, 1) };
}
