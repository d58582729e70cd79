import { describe, expect, it } from 'vitest';
import { StatusHistory } from './status-history.js';
import type { StatusReport, StreamReport } from './status-types.js';

function stream(room: string, n: number, renditions = ['source']): StreamReport {
  return {
    room,
    live: true,
    publishStartedAtMs: 1,
    renditions: renditions.map((name) => ({
      name,
      bitrateKbps: n * 10,
      fps: n,
      width: 0,
      height: 0,
      codecs: '',
      viewers: n,
    })),
    ingest: null,
    viewers: n,
    danmakuPerSecond: n / 2,
    chatPerSecond: n / 4,
    danmakuSockets: 0,
    chatSockets: 0,
    danmakuRateLimitedPerSecond: 0,
    thumbnailAtMs: null,
    record: null,
  };
}

const report = (generatedAtMs: number, streams: StreamReport[]): StatusReport => ({
  generatedAtMs,
  services: [],
  streams,
});

describe('StatusHistory', () => {
  it('holds ceil(window / interval) points per series: 300 for 10 min at 2 s', () => {
    expect(new StatusHistory({ intervalMs: 2000 }).capacity).toBe(300);
    expect(new StatusHistory({ windowMs: 10_000, intervalMs: 3000 }).capacity).toBe(4);
  });

  it('takes one point per interval, every series of every room', () => {
    const history = new StatusHistory({ windowMs: 10_000, intervalMs: 1000 });
    expect(history.record(report(1000, [stream('b', 1), stream('a', 2, ['source', '480p'])]))).toBe(true);
    expect(history.record(report(1500, [stream('b', 9), stream('a', 9, ['source', '480p'])]))).toBe(false);
    expect(history.record(report(2000, [stream('b', 3), stream('a', 4, ['source', '480p'])]))).toBe(true);
    expect(history.snapshot()).toEqual({
      intervalMs: 1000,
      capacity: 10,
      rooms: [
        {
          room: 'a',
          viewers: [2, 4],
          danmakuPerSecond: [1, 2],
          chatPerSecond: [0.5, 1],
          renditions: [
            { name: 'source', bitrateKbps: [20, 40], fps: [2, 4], viewers: [2, 4] },
            { name: '480p', bitrateKbps: [20, 40], fps: [2, 4], viewers: [2, 4] },
          ],
        },
        {
          room: 'b',
          viewers: [1, 3],
          danmakuPerSecond: [0.5, 1.5],
          chatPerSecond: [0.25, 0.75],
          renditions: [{ name: 'source', bitrateKbps: [10, 30], fps: [1, 3], viewers: [1, 3] }],
        },
      ],
    });
  });

  it('takes a round that comes a little early', () => {
    const history = new StatusHistory({ windowMs: 10_000, intervalMs: 1000 });
    history.record(report(1000, [stream('a', 1)]));
    expect(history.record(report(1800, [stream('a', 2)]))).toBe(true);
  });

  it('never holds more than its capacity per series, however long it runs', () => {
    const history = new StatusHistory({ windowMs: 5000, intervalMs: 1000 });
    for (let i = 1; i <= 1000; i += 1) history.record(report(i * 1000, [stream('a', i)]));
    const [room] = history.snapshot().rooms;
    expect(room?.viewers).toEqual([996, 997, 998, 999, 1000]);
    expect(room?.renditions[0]?.fps).toHaveLength(5);
  });

  it('forgets a room that is no longer live and a rendition that is gone', () => {
    const history = new StatusHistory({ windowMs: 10_000, intervalMs: 1000 });
    history.record(report(1000, [stream('a', 1, ['source', '480p']), stream('b', 1)]));
    history.record(report(1100, [stream('a', 1, ['source'])]));
    const { rooms } = history.snapshot();
    expect(rooms.map((r) => [r.room, r.renditions.map((x) => x.name)])).toEqual([['a', ['source']]]);
  });

  it('refuses a window shorter than one interval', () => {
    expect(() => new StatusHistory({ windowMs: 500, intervalMs: 1000 })).toThrow(RangeError);
  });
});
