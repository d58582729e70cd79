/** A monotonic clock, ms. */
export type Clock = () => number;

/** The default {@link Clock}: `performance.now()`, which never goes back. */
export const monotonicClock: Clock = () => performance.now();

/**
 * A token bucket (RFC 2697 §1 describes the same idea for traffic policing): it holds up to `burst`
 * tokens, refills at `ratePerSec` tokens per second, and every request takes one token.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  /**
   * @param ratePerSec refill rate, tokens per second (> 0)
   * @param burst capacity, tokens (≥ 1); the bucket starts full
   * @param now clock, ms; tests inject a fake one
   */
  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    private readonly now: Clock = monotonicClock,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1))
      throw new RangeError(`token bucket needs ratePerSec > 0 and burst ≥ 1, got ${ratePerSec}, ${burst}`);
    this.tokens = burst;
    this.lastMs = now();
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until a token is there, ms (rounded up, past float noise); 0 when one is there now. Takes nothing. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSec - 1e-6);
  }

  /** True when the bucket is full again: it then behaves as a new one, so a keeper of many may drop it. */
  get full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const nowMs = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, nowMs - this.lastMs) * this.ratePerSec) / 1000);
    this.lastMs = nowMs;
  }
}
