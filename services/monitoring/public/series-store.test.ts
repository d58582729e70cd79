import { describe, expect, it } from 'vitest';
import { SeriesStore } from './series-store.js';
import type { StatusReport, StreamReport } from '../src/status/status-types.js';

const stream = (room: string, n: number, renditions = ['source']): StreamReport => ({
  room,
  publishStartedAtMs: 0,
  renditions: renditions.map((name) => ({
    name,
    bitrateKbps: n * 10,
    fps: n,
    width: 0,
    height: 0,
    codecs: '',
    viewers: n,
  })),
  viewers: n,
  danmakuPerSecond: n,
  chatPerSecond: n,
  danmakuSockets: 0,
  chatSockets: 0,
  danmakuRateLimitedPerSecond: 0,
  thumbnailAtMs: null,
  record: null,
  ingest: null,
  live: true,
});
const report = (...streams: StreamReport[]): StatusReport => ({ generatedAtMs: 0, services: [], streams });

describe('SeriesStore', () => {
  it("starts from a snapshot's history and appends a sampled report, trimmed to the capacity", () => {
    const store = new SeriesStore();
    store.reset({
      intervalMs: 1000,
      capacity: 3,
      rooms: [
        {
          room: 'a',
          viewers: [1, 2, 3],
          danmakuPerSecond: [1, 2, 3],
          chatPerSecond: [1, 2, 3],
          renditions: [{ name: 'source', bitrateKbps: [10, 20, 30], fps: [1, 2, 3], viewers: [1, 1, 2] }],
        },
      ],
    });
    store.follow(report(stream('a', 4)), false);
    expect(store.room('a').viewers).toEqual([1, 2, 3]);
    store.follow(report(stream('a', 4)), true);
    expect(store.room('a').viewers).toEqual([2, 3, 4]);
    expect(store.room('a').renditions).toEqual([
      { name: 'source', bitrateKbps: [20, 30, 40], fps: [2, 3, 4], viewers: [1, 2, 4] },
    ]);
  });

  it('forgets rooms and renditions that are gone and starts new ones empty', () => {
    const store = new SeriesStore();
    store.reset({ intervalMs: 1000, capacity: 5, rooms: [] });
    store.follow(report(stream('a', 1, ['source', '480p']), stream('b', 1)), true);
    store.follow(report(stream('a', 2, ['source']), stream('c', 2)), true);
    expect(store.room('a').renditions.map((r) => [r.name, r.fps])).toEqual([['source', [1, 2]]]);
    expect(store.room('b').viewers).toEqual([]);
    expect(store.room('c').viewers).toEqual([2]);
  });
});
