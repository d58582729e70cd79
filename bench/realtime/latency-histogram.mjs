/** Width of the fine bins, µs, and how far they reach: 10 µs bins below 100 ms. */
const FINE_US = 10;
const FINE_BINS = 10_000;
/** Width of the coarse bins, µs, and how far they reach: 1 ms bins from 100 ms to 100 s. */
const COARSE_US = 1000;
const COARSE_BINS = 100_000;
const FINE_END_US = FINE_US * FINE_BINS;
const COARSE_END_US = FINE_END_US + COARSE_US * COARSE_BINS;

/**
 * @typedef {object} LatencySummary all in ms. A quantile is undefined when it lies among the values not recorded
 *   (see {@link LatencyHistogram.summary}), max and mean when nothing was recorded.
 * @property {number} n values recorded.
 * @property {number} expected values the quantiles are over.
 * @property {number | undefined} p50
 * @property {number | undefined} p90
 * @property {number | undefined} p99
 * @property {number | undefined} p999
 * @property {number | undefined} max exact, of the values recorded.
 * @property {number | undefined} mean exact, of the values recorded.
 */

/**
 * A histogram of latencies with fixed memory (440 KB) however many are recorded: 10 µs bins below 100 ms, 1 ms bins
 * up to 100 s, one bin beyond; the count, sum and max are exact. A quantile is the upper edge of the bin that holds the
 * nearest-rank value (the smallest value with at least q of the values at or below it), so it is at most one bin
 * width above the exact one (the max, when that is smaller).
 */
export class LatencyHistogram {
  fine = new Uint32Array(FINE_BINS);
  coarse = new Uint32Array(COARSE_BINS);
  beyond = 0;
  count = 0;
  sumUs = 0;
  maxUs = 0;

  /**
   * Records one latency.
   * @param {number} us µs, ≥ 0.
   */
  record(us) {
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
    if (us < FINE_END_US) this.fine[Math.floor(us / FINE_US)]++;
    else if (us < COARSE_END_US) this.coarse[Math.floor((us - FINE_END_US) / COARSE_US)]++;
    else this.beyond++;
  }

  /**
   * The q-quantile, µs (see the class), over `expected` values of which those not recorded rank above every one
   * recorded (a delivery that never came is later than any that did).
   * @param {number} q 0..1
   * @param {number} [expected] @default the values recorded
   * @returns {number | undefined} undefined when the quantile is among the values not recorded, or there are none.
   */
  quantileUs(q, expected = this.count) {
    const rank = Math.max(1, Math.ceil(q * Math.max(expected, this.count)));
    if (rank > this.count) return undefined;
    let seen = 0;
    for (let i = 0; i < FINE_BINS; i++) {
      seen += this.fine[i];
      if (seen >= rank) return Math.min(this.maxUs, (i + 1) * FINE_US);
    }
    for (let i = 0; i < COARSE_BINS; i++) {
      seen += this.coarse[i];
      if (seen >= rank) return Math.min(this.maxUs, FINE_END_US + (i + 1) * COARSE_US);
    }
    return this.maxUs;
  }

  /**
   * @param {number} [expected] values the quantiles are over, those not recorded ranking last. @default the values
   *   recorded
   * @returns {LatencySummary}
   */
  summary(expected = this.count) {
    const ms = (us) => (us === undefined ? undefined : us / 1000);
    return {
      n: this.count,
      expected: Math.max(expected, this.count),
      p50: ms(this.quantileUs(0.5, expected)),
      p90: ms(this.quantileUs(0.9, expected)),
      p99: ms(this.quantileUs(0.99, expected)),
      p999: ms(this.quantileUs(0.999, expected)),
      max: this.count === 0 ? undefined : this.maxUs / 1000,
      mean: this.count === 0 ? undefined : this.sumUs / this.count / 1000,
    };
  }
}
