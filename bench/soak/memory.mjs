/**
 * Memory growth of each service over a soak: the median of the samples in the first minutes after warm-up against
 * the median of the last minutes (medians, so one garbage-collection peak does not decide).
 * @param {Array<{ atS: number, stats: Record<string, { memBytes: number }> }>} samples in time order; atS: seconds
 *   since the load started.
 * @param {{ warmUpS: number, spanS: number }} windows warmUpS: where the baseline starts, s; spanS: the length of
 *   the baseline and of the final window, s.
 * @returns {Array<{ service: string, baselineBytes: number, finalBytes: number, growth: number }>} growth as a
 *   fraction (0.05 = 5 %), services sorted by name.
 */
export function memoryGrowth(samples, { warmUpS, spanS }) {
  const endS = samples.at(-1)?.atS ?? 0;
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  };
  const services = [...new Set(samples.flatMap((s) => Object.keys(s.stats)))].sort();
  return services.map((service) => {
    const at = (fromS, toS) =>
      samples.filter((s) => s.atS >= fromS && s.atS <= toS && s.stats[service]).map((s) => s.stats[service].memBytes);
    const baselineBytes = median(at(warmUpS, warmUpS + spanS));
    const finalBytes = median(at(endS - spanS, endS));
    return { service, baselineBytes, finalBytes, growth: finalBytes / baselineBytes - 1 };
  });
}
