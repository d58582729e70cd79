import { createLogger } from '@onair/runtime';
import { describe, expect, it, vi } from 'vitest';
import { RoomFanout, type Bus, type BusSubscription, type RoomMember } from './room-fanout.js';
import { FrameBatch, framesOf } from './room-batch.js';

/** A bus that records subscriptions and lets the test publish. */
class FakeBus implements Bus {
  readonly active = new Map<string, (data: string) => void>();
  failNext = false;

  subscribe(subject: string, onMessage: (data: string) => void): Promise<BusSubscription> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('no connection'));
    }
    this.active.set(subject, onMessage);
    return Promise.resolve({
      unsubscribe: () => {
        this.active.delete(subject);
        return Promise.resolve();
      },
    });
  }

  publish(subject: string, data: string): void {
    this.active.get(subject)?.(data);
  }
}

function member(viewer: RoomMember['viewer'] = null): RoomMember & { got: string[] } {
  const got: string[] = [];
  return { got, deliver: (frame) => got.push(...framesOf(frame)), viewer };
}

const log = createLogger({ service: 'test', level: 'silent' });

describe('RoomFanout', () => {
  it('subscribes a room on its first member, delivers to its members only, unsubscribes after the last', async () => {
    const bus = new FakeBus();
    const fanout = new RoomFanout(bus, (room) => `chat.room.${room}`, log);
    const a1 = member();
    const a2 = member();
    const b1 = member();
    await fanout.join('a', a1);
    await fanout.join('a', a2);
    await fanout.join('b', b1);
    expect([...bus.active.keys()].sort()).toEqual(['chat.room.a', 'chat.room.b']);
    bus.publish('chat.room.a', 'x');
    expect(a1.got).toEqual(['x']);
    expect(a2.got).toEqual(['x']);
    expect(b1.got).toEqual([]);
    expect(fanout.viewerCounts()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );

    fanout.leave('a', a1);
    await Promise.resolve();
    expect(bus.active.has('chat.room.a')).toBe(true);
    fanout.leave('a', a2);
    await Promise.resolve();
    expect(bus.active.has('chat.room.a')).toBe(false);
    expect(fanout.viewerCounts()).toEqual(new Map([['b', 1]]));

    await fanout.close();
    expect(bus.active.size).toBe(0);
  });

  it('rejects a join whose subscription fails and retries on the next join', async () => {
    const bus = new FakeBus();
    const fanout = new RoomFanout(bus, (room) => `r.${room}`, log);
    bus.failNext = true;
    await expect(fanout.join('a', member())).rejects.toThrow('no connection');
    expect(fanout.viewerCounts().size).toBe(0);
    const m = member();
    await fanout.join('a', m);
    bus.publish('r.a', 'y');
    expect(m.got).toEqual(['y']);
  });

  it('tells presence its rooms: viewers, distinct identified users up to a limit, and the latest join', async () => {
    const fanout = new RoomFanout(new FakeBus(), (room) => `r.${room}`, log);
    const ann = { userId: 'u1', name: 'Ann' };
    const a1 = member(ann);
    await fanout.join('a', a1);
    await fanout.join('a', member(ann));
    await fanout.join('a', member());
    await fanout.join('b', member({ userId: 'u2', name: 'Bob' }));
    await fanout.join('b', member({ userId: 'u3', name: 'Cy' }));
    const rooms = fanout.localRooms(1);
    expect(rooms.get('a')).toEqual({ viewers: 3, users: [ann], lastJoin: 3 });
    expect(rooms.get('b')).toEqual({ viewers: 2, lastJoin: 5 });

    fanout.leave('a', a1);
    expect(fanout.localRooms(1).get('a')?.lastJoin).toBe(3);
    await fanout.join('a', member());
    expect(fanout.localRooms(1).get('a')).toEqual({ viewers: 3, users: [ann], lastJoin: 6 });
  });

  it('broadcasts a frame to the members of a room here only', async () => {
    const bus = new FakeBus();
    const fanout = new RoomFanout(bus, (room) => `r.${room}`, log);
    const a = member();
    const b = member();
    await fanout.join('a', a);
    await fanout.join('b', b);
    fanout.broadcastLocal('a', 'p');
    fanout.broadcastLocal('gone', 'q');
    expect(a.got).toEqual(['p']);
    expect(b.got).toEqual([]);
  });

  it('batches a room per window: every member gets the same batch, serialised once', async () => {
    vi.useFakeTimers();
    try {
      const bus = new FakeBus();
      const fanout = new RoomFanout(bus, (room) => `r.${room}`, log, 50);
      const got: Array<string | FrameBatch> = [];
      const a: RoomMember = { deliver: (frames) => got.push(frames) };
      const b: RoomMember = { deliver: (frames) => got.push(frames) };
      await fanout.join('a', a);
      await fanout.join('a', b);
      for (const data of ['1', '2', '3']) bus.publish('r.a', data);
      vi.advanceTimersByTime(50);
      expect(got).toHaveLength(4);
      expect(got.map((batch) => framesOf(batch))).toEqual([['1'], ['1'], ['2', '3'], ['2', '3']]);
      expect(got[1]).toBe(got[0]);
      expect(got[3]).toBe(got[2]);
      expect(got[2]).toBeInstanceOf(FrameBatch);
      await fanout.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
