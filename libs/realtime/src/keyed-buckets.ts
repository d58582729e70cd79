import { TokenBucket, type Clock } from './token-bucket.js';

/** A rate and burst of a {@link TokenBucket}: tokens per second, tokens at once. */
export interface BucketRate {
  readonly ratePerSec: number;
  readonly burst: number;
}

/**
 * Token buckets by key (a user id, a room id), made on a key's first take and dropped by {@link sweep} once full
 * again: a full bucket behaves as a new one, so forgetting it changes nothing and memory holds only the keys that
 * posted within the last `burst / ratePerSec` seconds. A key whose rate or burst changed gets a new, full bucket.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  /** @param now clock, ms; tests inject a fake one */
  constructor(private readonly now: Clock) {}

  /** Keys holding a bucket. */
  get size(): number {
    return this.buckets.size;
  }

  /** How long until `key`'s bucket has a token, ms; 0 now (a key without a bucket has a full one). */
  waitMs(key: string, rate: BucketRate): number {
    return this.current(key, rate)?.waitMs() ?? 0;
  }

  /** Takes a token from `key`'s bucket (making it, full, when missing); false when it was empty. */
  take(key: string, rate: BucketRate): boolean {
    let bucket = this.current(key, rate);
    if (bucket === undefined) {
      bucket = new TokenBucket(rate.ratePerSec, rate.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Drops every bucket that is full again. */
  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full) this.buckets.delete(key);
  }

  /** `key`'s bucket when it has `rate`; a bucket of another rate is dropped. */
  private current(key: string, { ratePerSec, burst }: BucketRate): TokenBucket | undefined {
    const bucket = this.buckets.get(key);
    if (bucket === undefined || (bucket.ratePerSec === ratePerSec && bucket.burst === burst)) return bucket;
    this.buckets.delete(key);
    return undefined;
  }
}
