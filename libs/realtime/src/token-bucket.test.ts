import { describe, expect, it } from 'vitest';
import { RATE_VERDICT, RateLimiter } from './rate-limiter.js';
import { TokenBucket } from './token-bucket.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 10, clock.now);
    const first = Array.from({ length: 11 }, () => bucket.take());
    expect(first.filter(Boolean)).toHaveLength(10);
    expect(first[10]).toBe(false);
    clock.advance(200);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    clock.advance(1000);
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([true, true, true, true, true, false]);
  });

  it('says how long until the next token without taking one, and when it is full again', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(3, 2, clock.now);
    expect(bucket.waitMs()).toBe(0);
    bucket.take();
    expect(bucket.full).toBe(false);
    bucket.take();
    expect(bucket.waitMs()).toBe(334);
    clock.advance(300);
    expect(bucket.waitMs()).toBe(34);
    expect(bucket.take()).toBe(false);
    clock.advance(34);
    expect(bucket.waitMs()).toBe(0);
    clock.advance(333);
    expect(bucket.full).toBe(true);
  });

  it('never holds more than the burst', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(100, 3, clock.now);
    clock.advance(60_000);
    expect(Array.from({ length: 4 }, () => bucket.take())).toEqual([true, true, true, false]);
  });

  it('ignores a clock going back', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 1, clock.now);
    expect(bucket.take()).toBe(true);
    clock.advance(-5000);
    expect(bucket.take()).toBe(false);
    clock.advance(1000);
    expect(bucket.take()).toBe(true);
  });

  it.each([
    [0, 1],
    [1, 0],
    [Number.NaN, 1],
  ])('refuses rate %d burst %d', (rate, burst) => {
    expect(() => new TokenBucket(rate, burst)).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('limits past the burst and reports a flood past 10× the limit', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSec: 3, burst: 5, now: clock.now });
    const verdicts = Array.from({ length: 51 }, () => limiter.check());
    expect(verdicts.slice(0, 5)).toEqual(Array(5).fill(RATE_VERDICT.OK));
    expect(verdicts.slice(5, 50)).toEqual(Array(45).fill(RATE_VERDICT.LIMITED));
    expect(verdicts[50]).toBe(RATE_VERDICT.FLOOD);
  });

  it('recovers once the sender slows down', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSec: 2, burst: 2, floodFactor: 10, now: clock.now });
    for (let i = 0; i < 3; i++) limiter.check();
    expect(limiter.check()).toBe(RATE_VERDICT.LIMITED);
    expect(limiter.retryAfterMs()).toBe(500);
    clock.advance(500);
    expect(limiter.retryAfterMs()).toBe(0);
    expect(limiter.check()).toBe(RATE_VERDICT.OK);
  });
});
