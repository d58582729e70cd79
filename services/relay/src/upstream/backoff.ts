/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay, ms. @default 200 */
  initialMs?: number;
  /** Upper bound of every delay, ms. @default 5000 */
  maxMs?: number;
}

/** Bounded exponential backoff: initialMs, 2×, 4×, … up to maxMs, until {@link Backoff.reset}. */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor({ initialMs = 200, maxMs = 5000 }: BackoffOptions = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** The delay before the next attempt, ms; each call doubles the following one up to the bound. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return delay;
  }

  /** Starts again from the first delay (after a success). */
  reset(): void {
    this.attempt = 0;
  }
}
