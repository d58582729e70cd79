import { describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { NoMediaError } from './relay-media.js';
import { Thumbnailer } from './thumbnailer.js';

/** A thumbnailer over hand-written fetch/render functions and a clock the test moves. */
function setup(fetch: (room: string) => Promise<Buffer>) {
  const clock = { ms: 1_000_000 };
  const events = { made: 0, failed: 0, renders: [] as string[], inFlight: 0, maxInFlight: 0 };
  let rooms: string[] = [];
  let publishStartedAtMs = 1;
  const thumbnailer = new Thumbnailer({
    liveRooms: () => rooms.map((room) => ({ room, publishStartedAtMs, rendition: 'source' })),
    fetchMedia: ({ room }) => fetch(room),
    render: async (mp4) => {
      events.renders.push(mp4.toString());
      events.maxInFlight = Math.max(events.maxInFlight, ++events.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      events.inFlight--;
      if (mp4.toString().startsWith('bad')) throw new Error('ffmpeg exited with 1');
      return Buffer.from(`jpeg of ${mp4.toString()}`);
    },
    everyMs: 10_000,
    metrics: { made: () => void events.made++, failed: () => void events.failed++ },
    log: createLogger({ service: 'test', level: 'silent' }),
    now: () => clock.ms,
  });
  return {
    thumbnailer,
    clock,
    events,
    live: (r: string[]) => (rooms = r),
    republish: () => publishStartedAtMs++,
  };
}

describe('Thumbnailer', () => {
  it('makes one thumbnail per live room, one ffmpeg at a time, again only after everyMs', async () => {
    const { thumbnailer, clock, events, live } = setup(async (room) => Buffer.from(room));
    live(['a', 'b', 'c']);
    await thumbnailer.tick();
    expect(events.renders).toEqual(['a', 'b', 'c']);
    expect(events.maxInFlight).toBe(1);
    expect(thumbnailer.get('b')).toEqual({ jpeg: Buffer.from('jpeg of b'), atMs: clock.ms });
    clock.ms += 9_999;
    await thumbnailer.tick();
    expect(events.renders).toHaveLength(3);
    clock.ms += 1;
    await thumbnailer.tick();
    expect(events.renders).toHaveLength(6);
    expect(thumbnailer.get('a')?.atMs).toBe(clock.ms);
    expect(events.made).toBe(6);
  });

  it('drops the thumbnail of a room that ended', async () => {
    const { thumbnailer, live } = setup(async (room) => Buffer.from(room));
    live(['a', 'b']);
    await thumbnailer.tick();
    live(['b']);
    await thumbnailer.tick();
    expect(thumbnailer.get('a')).toBeUndefined();
    expect(thumbnailer.get('b')).toBeDefined();
  });

  it('drops the thumbnail of the last publish and makes one of the new publish at once', async () => {
    const { thumbnailer, clock, events, live, republish } = setup(async (room) => Buffer.from(room));
    live(['a']);
    await thumbnailer.tick();
    const first = thumbnailer.get('a');
    republish();
    clock.ms += 1000;
    await thumbnailer.tick();
    expect(events.renders).toEqual(['a', 'a']);
    expect(thumbnailer.get('a')?.atMs).toBe((first?.atMs ?? 0) + 1000);
  });

  it('retries a room without media at the next tick, a failed decode only at the next round', async () => {
    let media = false;
    const { thumbnailer, clock, events, live } = setup(async (room) => {
      if (!media) throw new NoMediaError('no playlist');
      return Buffer.from(room === 'bad' ? 'bad' : room);
    });
    live(['bad', 'good']);
    await thumbnailer.tick();
    expect([events.failed, events.renders]).toEqual([2, []]);
    media = true;
    clock.ms += 1000;
    await thumbnailer.tick();
    expect(events.renders).toEqual(['bad', 'good']);
    expect([events.made, events.failed]).toEqual([1, 3]);
    clock.ms += 1000;
    await thumbnailer.tick();
    expect(events.renders).toHaveLength(2);
    expect(thumbnailer.get('bad')).toBeUndefined();
    clock.ms += 9000;
    await thumbnailer.tick();
    expect(events.renders).toEqual(['bad', 'good', 'bad', 'good']);
  });

  it('stops at once, aborting the attempt in flight', async () => {
    let fetching: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (fetching = resolve));
    const outcomes: string[] = [];
    const thumbnailer = new Thumbnailer({
      liveRooms: () => [{ room: 'a', publishStartedAtMs: 1, rendition: 'source' }],
      fetchMedia: (_target, signal) =>
        new Promise((_resolve, reject) => {
          fetching?.();
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      render: () => Promise.reject(new Error('not reached')),
      everyMs: 10_000,
      metrics: { made: () => void outcomes.push('made'), failed: () => void outcomes.push('failed') },
      log: createLogger({ service: 'test', level: 'silent' }),
    });
    thumbnailer.start();
    await started;
    const stoppedAtMs = Date.now();
    await thumbnailer.stop();
    expect(Date.now() - stoppedAtMs).toBeLessThan(500);
    expect(outcomes).toEqual(['failed']);
  });

  it('makes the oldest thumbnail first', async () => {
    const { thumbnailer, clock, events, live } = setup(async (room) => Buffer.from(room));
    live(['b']);
    await thumbnailer.tick();
    clock.ms += 5000;
    live(['a', 'b']);
    await thumbnailer.tick();
    clock.ms += 10_000;
    await thumbnailer.tick();
    expect(events.renders).toEqual(['b', 'a', 'b', 'a']);
  });
});
