import { describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { LiveClock } from './live-clock.js';

const log = createLogger({ service: 'test', level: 'silent' });
const entry = (publishId: string, startedAtMs: number): string => JSON.stringify({ publishId, startedAtMs });

describe('LiveClock', () => {
  it('gives ms since the publish started while the room is live, -1 otherwise', () => {
    const clock = new LiveClock(log);
    expect(clock.streamTimeMs('demo', 10_000)).toBe(-1);
    clock.apply('demo', entry('p1', 4000), 4000);
    expect(clock.streamTimeMs('demo', 10_000)).toBe(6000);
    expect(clock.streamTimeMs('demo', 3000)).toBe(0);
    expect(clock.publish('demo', 10_000)).toEqual({ publishId: 'p1', startedAtMs: 4000 });
    clock.apply('demo', entry('p2', 9000), 9000);
    expect(clock.streamTimeMs('demo', 10_000)).toBe(1000);
    clock.apply('demo', null, 11_000);
    expect(clock.streamTimeMs('demo', 12_000)).toBe(-1);
  });

  it('treats an entry older than the bucket max age as expired', () => {
    const clock = new LiveClock(log);
    clock.reset(30_000);
    clock.apply('demo', entry('p1', 1000), 1000);
    clock.apply('demo', entry('p1', 1000), 20_000);
    expect(clock.streamTimeMs('demo', 50_000)).toBe(49_000);
    expect(clock.streamTimeMs('demo', 50_001)).toBe(-1);
    expect(clock.publish('demo', 50_001)).toBeUndefined();
  });

  it('forgets every entry on reset', () => {
    const clock = new LiveClock(log);
    clock.apply('demo', entry('p1', 1000), 1000);
    clock.reset(0);
    expect(clock.streamTimeMs('demo', 2000)).toBe(-1);
  });

  it.each(['not json', '{}', '{"publishId":"p","startedAtMs":"5"}', '{"publishId":"","startedAtMs":5}', 'null'])(
    'treats the unreadable value %s as not live',
    (value) => {
      const clock = new LiveClock(log);
      clock.apply('demo', entry('p1', 1), 1);
      clock.apply('demo', value, 2);
      expect(clock.streamTimeMs('demo', 10)).toBe(-1);
    },
  );
});
