import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStatusFeed } from './status-feed.js';
import { StatusHistory } from './status-history.js';
import type { StatusReport, StatusUpdate } from './status-types.js';

describe('createStatusFeed', () => {
  afterEach(() => vi.useRealTimers());

  it('rebuilds once per poll round and sends a report only when it changed or a point was taken', () => {
    vi.useFakeTimers({ now: 10_000 });
    let health: 'SERVING' | 'UNREACHABLE' = 'SERVING';
    const build = (): StatusReport => ({
      generatedAtMs: Date.now(),
      services: [{ name: 'ingest', address: 'a:1', instance: 'i', health, lastSeenMs: 1, uptimeMs: null, nats: null }],
      streams: [],
    });
    const feed = createStatusFeed({ build, history: new StatusHistory({ intervalMs: 1000 }), coalesceMs: 25 });
    const updates: StatusUpdate[] = [];
    feed.subscribe((u) => updates.push(u));
    expect(feed.snapshot().report.services[0]?.health).toBe('SERVING');

    feed.polled();
    feed.polled();
    vi.advanceTimersByTime(25);
    expect(updates).toEqual([]);

    health = 'UNREACHABLE';
    feed.polled();
    vi.advanceTimersByTime(25);
    expect(updates.map((u) => [u.report.services[0]?.health, u.sampled])).toEqual([['UNREACHABLE', false]]);

    vi.advanceTimersByTime(1000);
    feed.polled();
    vi.advanceTimersByTime(25);
    expect(updates.map((u) => u.sampled)).toEqual([false, true]);
    feed.stop();
  });

  it('stops a pending rebuild', () => {
    vi.useFakeTimers({ now: 0 });
    let n = 0;
    const feed = createStatusFeed({
      build: () => ({ generatedAtMs: 0, services: [], streams: [], ...{ n: n++ } }),
      history: new StatusHistory({ intervalMs: 1000 }),
    });
    feed.polled();
    feed.stop();
    vi.advanceTimersByTime(100);
    expect(n).toBe(1);
  });
});
