import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaHub, type StreamStarted } from '@onair/media';
import { RoomStreams } from './room-streams.js';

const started = (room: string, publishId: string): StreamStarted => ({
  room,
  publishId,
  startedAtMs: 1,
  renditions: [],
  targetSegmentDurationMs: 2000,
  partTargetMs: 0,
});

describe('RoomStreams', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('serves an ended stream, marked ended, for the linger time, then forgets it', () => {
    const hub = new MediaHub();
    const streams = new RoomStreams(hub, { lingerMs: 30_000 });
    hub.start(started('demo', 'p1'));
    expect(streams.get('demo')?.ended).toBeUndefined();
    hub.end('demo', 'publisher left');
    expect(streams.get('demo')?.ended).toBe('publisher left');
    expect(streams.list().map((s) => s.room)).toEqual(['demo']);
    vi.advanceTimersByTime(29_999);
    expect(streams.get('demo')).toBeDefined();
    vi.advanceTimersByTime(1);
    expect(streams.get('demo')).toBeUndefined();
    expect(streams.list()).toEqual([]);
  });

  it('prefers a new live stream over the lingering one and keeps it past the old timer', () => {
    const hub = new MediaHub();
    const streams = new RoomStreams(hub, { lingerMs: 1000 });
    hub.start(started('demo', 'p1'));
    hub.end('demo', 'publisher left');
    hub.start(started('demo', 'p2'));
    vi.advanceTimersByTime(5000);
    expect(streams.get('demo')?.info.publishId).toBe('p2');
    expect(streams.get('demo')?.ended).toBeUndefined();
    expect(streams.list()).toHaveLength(1);
  });

  it('does not linger with a zero linger time, and clear() drops lingering streams', () => {
    const hub = new MediaHub();
    const none = new RoomStreams(hub, { lingerMs: 0 });
    const some = new RoomStreams(hub, { lingerMs: 1000 });
    hub.start(started('demo', 'p1'));
    hub.end('demo', 'publisher left');
    expect(none.get('demo')).toBeUndefined();
    expect(some.get('demo')).toBeDefined();
    some.clear();
    expect(some.get('demo')).toBeUndefined();
  });
});
