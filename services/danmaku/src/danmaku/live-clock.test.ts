import { describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { LiveClock } from './live-clock.js';

const log = createLogger({ service: 'test', level: 'silent' });
const entry = (publishId: string, startedAtMs: number): string => JSON.stringify({ publishId, startedAtMs });

describe('LiveClock', () => {
  it('gives the publish while the room is live, nothing otherwise', () => {
    const clock = new LiveClock(log);
    expect(clock.publish('demo', 10_000)).toBeUndefined();
    clock.apply('demo', entry('p1', 4000), 4000);
    expect(clock.publish('demo', 3000)?.startedAtMs).toBe(4000);
    expect(clock.publish('demo', 10_000)).toEqual({ publishId: 'p1', startedAtMs: 4000 });
    clock.apply('demo', entry('p2', 9000), 9000);
    expect(clock.publish('demo', 10_000)?.publishId).toBe('p2');
    clock.apply('demo', null, 11_000);
    expect(clock.publish('demo', 12_000)).toBeUndefined();
  });

  it("keeps the entry's timeline anchors, the latest entry's after a reconnect", () => {
    const clock = new LiveClock(log);
    clock.apply('demo', entry('p1', 1000), 1000);
    const anchors = [{ atMs: 9000, streamTimeMs: 6000 }];
    clock.apply('demo', JSON.stringify({ publishId: 'p1', startedAtMs: 1000, anchors }), 9000);
    expect(clock.publish('demo', 10_000)).toEqual({ publishId: 'p1', startedAtMs: 1000, anchors });
  });

  it('treats an entry older than the bucket max age as expired', () => {
    const clock = new LiveClock(log);
    clock.reset(30_000);
    clock.apply('demo', entry('p1', 1000), 1000);
    clock.apply('demo', entry('p1', 1000), 20_000);
    expect(clock.publish('demo', 50_000)?.startedAtMs).toBe(1000);
    expect(clock.publish('demo', 50_001)).toBeUndefined();
    expect(clock.publish('demo', 50_001)).toBeUndefined();
  });

  it('forgets every entry on reset', () => {
    const clock = new LiveClock(log);
    clock.apply('demo', entry('p1', 1000), 1000);
    clock.reset(0);
    expect(clock.publish('demo', 2000)).toBeUndefined();
  });

  it.each(['not json', '{}', '{"publishId":"p","startedAtMs":"5"}', '{"publishId":"","startedAtMs":5}', 'null'])(
    'treats the unreadable value %s as not live',
    (value) => {
      const clock = new LiveClock(log);
      clock.apply('demo', entry('p1', 1), 1);
      clock.apply('demo', value, 2);
      expect(clock.publish('demo', 10)).toBeUndefined();
    },
  );
});
