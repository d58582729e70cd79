import { monotonicClock, TokenBucket, type Clock } from './token-bucket.js';

/** What {@link RateLimiter.check} decides about one frame. */
export const RATE_VERDICT = {
  /** Within the limit: handle the frame. */
  OK: 'ok',
  /** Over the limit: refuse the frame with RATE_LIMITED, keep the connection. */
  LIMITED: 'limited',
  /** Over `floodFactor` times the limit: close the connection. */
  FLOOD: 'flood',
} as const;

/** One of {@link RATE_VERDICT}'s values. */
export type RateVerdict = (typeof RATE_VERDICT)[keyof typeof RATE_VERDICT];

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained frames per second. */
  ratePerSec: number;
  /** Frames allowed at once. */
  burst: number;
  /** A sender past this many times the limit (rate and burst) is flooding. @default 10 */
  floodFactor?: number;
  now?: Clock;
}

/**
 * Per-connection rate limit: a token bucket for the limit and a second one, `floodFactor` times larger
 * and faster, that every frame also draws from; when even that one is empty the sender is flooding.
 */
export class RateLimiter {
  private readonly limit: TokenBucket;
  private readonly flood: TokenBucket;

  constructor({ ratePerSec, burst, floodFactor = 10, now = monotonicClock }: RateLimiterOptions) {
    this.limit = new TokenBucket(ratePerSec, burst, now);
    this.flood = new TokenBucket(ratePerSec * floodFactor, burst * floodFactor, now);
  }

  /** Accounts one received frame and says what to do with it. */
  check(): RateVerdict {
    if (!this.flood.take()) return RATE_VERDICT.FLOOD;
    return this.limit.take() ? RATE_VERDICT.OK : RATE_VERDICT.LIMITED;
  }

  /** How long until the limit lets the next frame through, ms; 0 now (see TokenBucket.waitMs). */
  retryAfterMs(): number {
    return this.limit.waitMs();
  }
}
