import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRoom } from './presence-message.js';
import { Presence } from './presence.js';

const log = createLogger({ service: 'test', level: 'silent' });
const INTERVAL_MS = 200;
const EXPIRE_MS = 600;
const ann = { userId: 'u1', name: 'Ann' };
const bob = { userId: 'u2', name: 'Bob' };

/** One instance: its Presence over its own connection, the rooms it says it has, and the frames it pushed. */
interface TestInstance {
  readonly presence: Presence;
  readonly nc: NatsConnection;
  readonly rooms: Map<string, LocalRoom>;
  readonly pushes: Array<{ room: string; frame: string; atMs: number }>;
}

describe('Presence over nats-server', () => {
  let fixture: NatsFixture;
  const started: TestInstance[] = [];

  beforeAll(async () => {
    fixture = await startNatsFixture();
  });

  afterAll(async () => {
    for (const instance of started) {
      instance.presence.stop();
      if (!instance.nc.isClosed()) await instance.nc.close();
    }
    await fixture.stop();
  });

  async function instance(id: string, subject: string): Promise<TestInstance> {
    const nc = await connectNats({ servers: fixture.nats.url, name: id, log });
    const rooms = new Map<string, LocalRoom>();
    const pushes: TestInstance['pushes'] = [];
    const presence = new Presence({
      nc,
      subject,
      instance: id,
      localRooms: () => rooms,
      push: (room, frame) => pushes.push({ room, frame, atMs: performance.now() }),
      log,
      intervalMs: INTERVAL_MS,
      expireMs: EXPIRE_MS,
    });
    const created = { presence, nc, rooms, pushes };
    started.push(created);
    return created;
  }

  it('sums a room over instances, and drops an instance that stops at once', async () => {
    const a = await instance('a', 'sum.presence');
    const b = await instance('b', 'sum.presence');
    a.rooms.set('r', { viewers: 2, users: [ann], lastJoin: 1 });
    b.rooms.set('r', { viewers: 3, users: [bob], lastJoin: 1 });
    b.rooms.set('s', { viewers: 1, users: [], lastJoin: 2 });
    a.presence.start();
    b.presence.start();
    const both = { viewers: 5, users: [ann, bob] };
    await waitFor(() => JSON.stringify(a.presence.room('r')) === JSON.stringify(both), { intervalMs: 20 });
    await waitFor(() => JSON.stringify(b.presence.room('r')) === JSON.stringify(both), { intervalMs: 20 });
    expect(a.presence.room('s')).toEqual({ viewers: 1, users: [] });

    b.presence.stop();
    const stoppedAt = performance.now();
    await waitFor(() => a.presence.room('r').viewers === 2, { intervalMs: 5, timeoutMs: 2000 });
    // Well before expireMs: the goodbye dropped it, not the silence.
    expect(performance.now() - stoppedAt).toBeLessThan(EXPIRE_MS / 3);
    expect(a.presence.room('r')).toEqual({ viewers: 2, users: [ann] });
    expect(a.presence.room('s')).toEqual({ viewers: 0, users: [] });
  });

  it('drops an instance that goes silent within expireMs', async () => {
    const a = await instance('a2', 'silent.presence');
    const b = await instance('b2', 'silent.presence');
    a.rooms.set('r', { viewers: 1, lastJoin: 1 });
    b.rooms.set('r', { viewers: 4, lastJoin: 1 });
    a.presence.start();
    b.presence.start();
    await waitFor(() => a.presence.room('r').viewers === 5, { intervalMs: 20 });

    await b.nc.close();
    const silentAt = performance.now();
    await waitFor(() => a.presence.room('r').viewers === 1, { intervalMs: 10, timeoutMs: 3000 });
    const elapsed = performance.now() - silentAt;
    // Last heard at most one interval before the close, and forgotten expireMs after that.
    expect(elapsed).toBeGreaterThanOrEqual(EXPIRE_MS - INTERVAL_MS - 50);
    expect(elapsed).toBeLessThanOrEqual(EXPIRE_MS + 150);
  });

  it('pushes a room at most once per interval, when its presence changed or a viewer joined', async () => {
    const a = await instance('a3', 'push.presence');
    const b = await instance('b3', 'push.presence');
    a.rooms.set('r', { viewers: 1, lastJoin: 1 });
    b.rooms.set('r', { viewers: 10, lastJoin: 1 });
    a.presence.start();
    b.presence.start();
    await waitFor(() => a.pushes.some((p) => p.frame.includes('"viewers":11')), { intervalMs: 20 });

    // Viewers come and go on b every 10 ms for 6 intervals: a pushes once per interval at most.
    const churnFrom = a.pushes.length;
    for (let i = 0; i < (6 * INTERVAL_MS) / 10; i++) {
      b.rooms.set('r', { viewers: 10 + (i % 7), lastJoin: 1 });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const churn = a.pushes.slice(churnFrom);
    expect(churn.length).toBeGreaterThanOrEqual(3);
    expect(churn.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < churn.length; i++) {
      expect((churn[i]?.atMs ?? 0) - (churn[i - 1]?.atMs ?? 0)).toBeGreaterThan(INTERVAL_MS * 0.75);
    }
    for (const push of churn) expect(JSON.parse(push.frame)).toMatchObject({ v: 1, type: 'presence', room: 'r' });

    // Steady for three intervals: nothing new.
    b.rooms.set('r', { viewers: 20, lastJoin: 1 });
    await waitFor(() => a.pushes.at(-1)?.frame.includes('"viewers":21'), { intervalMs: 20 });
    const steadyFrom = a.pushes.length;
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
    expect(a.pushes.length).toBe(steadyFrom);

    // One leaves and another joins here within an interval: same count, pushed again for the newcomer.
    a.rooms.set('r', { viewers: 1, lastJoin: 2 });
    await waitFor(() => a.pushes.length > steadyFrom, { intervalMs: 20, timeoutMs: 2000 });
    expect(a.pushes.at(-1)?.frame).toBe('{"v":1,"type":"presence","room":"r","viewers":21}');
  });
});
