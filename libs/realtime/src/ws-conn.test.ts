import { afterEach, describe, expect, it, vi } from 'vitest';
import { errors, gate, message, setup, tick } from './testing/ws-conn-fixture.js';
import type { JoinFrames } from './conn-context.js';
import { rejected } from './result.js';
import { withSeq } from './frames.js';
import { FrameBatch } from './room-batch.js';

describe('WsConn', () => {
  it("sends the join frames, then the welcome, then what arrived meanwhile past the join frames' seq", async () => {
    let finishJoin: (frames: JoinFrames) => void = () => undefined;
    const { socket, bus } = setup({ join: () => new Promise((resolve) => (finishJoin = resolve)) });
    await tick();
    bus.publish(withSeq(JSON.stringify(message('m1', 'in history too')), 7)!);
    bus.publish(withSeq(JSON.stringify(message('m2', 'new')), 8)!);
    expect(socket.sent).toEqual([]);
    finishJoin({
      frames: [JSON.stringify({ type: 'history', messages: [{ seq: 7, ...message('m1', 'in history too') }] })],
      lastSeq: 7,
    });
    await tick();
    expect(socket.sent.map((f) => f.type)).toEqual(['history', 'welcome', 'room_state', 'message']);
    expect(socket.sent[2]).toEqual({
      v: 1,
      type: 'room_state',
      room: 'demo',
      slowModeS: 0,
      mode: 'everyone',
      guests: false,
      densityPerSec: 0,
      mergeIdentical: false,
      roomRatePerSec: 0,
      blockedTerms: 0,
    });
    expect(socket.sent[3]).toMatchObject({ id: 'm2', seq: 8 });
    bus.publish(JSON.stringify(message('m3', 'live')));
    expect(socket.sent.at(-1)).toMatchObject({ id: 'm3' });
  });

  it('sends a batch as one frame once live, and takes its items one by one while joining', async () => {
    let finishJoin: (frames: JoinFrames) => void = () => undefined;
    const { socket, conn, registry } = setup({ join: () => new Promise((resolve) => (finishJoin = resolve)) });
    await tick();
    const item = (id: string, seq: number): string => withSeq(JSON.stringify(message(id, id)), seq)!;
    conn.deliver(new FrameBatch([item('m1', 7), item('m2', 8)]));
    finishJoin({ frames: [], lastSeq: 7 });
    await tick();
    expect(socket.sent.map((f) => f.type)).toEqual(['welcome', 'room_state', 'message']);
    expect(socket.sent[2]).toMatchObject({ id: 'm2', seq: 8 });
    conn.deliver(new FrameBatch([item('m3', 9), item('m4', 10)]));
    expect(socket.sent.at(-1)).toMatchObject({ type: 'batch', items: [{ id: 'm3' }, { id: 'm4' }] });
    expect(await registry.getSingleMetricAsString('onair_realtime_fanout_deliveries_total')).toMatch(/ 3$/m);
  });

  it("gets its own messages a busy room's sampling set aside, after the batch; others' set-aside ones not", async () => {
    const { socket, conn } = setup();
    await tick();
    const item = (id: string, userId: string): string => JSON.stringify({ ...message(id, id), userId });
    const setAside = new Map([
      ['u-alice', [item('mine', 'u-alice')]],
      ['bob', [item('bobs', 'bob')]],
    ]);
    conn.deliver(new FrameBatch([item('kept', 'carol')], setAside));
    conn.deliver(new FrameBatch([], new Map([['bob', [item('bobs2', 'bob')]]])));
    expect(socket.sent.filter((f) => f.type === 'message').map((f) => f.id)).toEqual(['kept', 'mine']);
  });

  it('closes a viewer that falls behind with 1013 and sends it nothing more', async () => {
    const { socket, bus, registry } = setup();
    await tick();
    bus.publish(JSON.stringify(message('m1', 'ok')));
    socket.bufferedAmount = 1001;
    bus.publish(JSON.stringify(message('m2', 'dropped')));
    bus.publish(JSON.stringify(message('m3', 'dropped')));
    expect(socket.closedWith).toBe(1013);
    expect(socket.sent.filter((f) => f.type === 'message').map((f) => f.id)).toEqual(['m1']);
    expect(await registry.getSingleMetricAsString('onair_realtime_slow_viewers_closed_total')).toMatch(/ 1$/m);
  });

  it('closes a viewer whose backlog overflows while it joins', async () => {
    const { socket, bus } = setup({ join: () => new Promise(() => undefined) });
    await tick();
    for (let i = 0; i < 4; i++) bus.publish(JSON.stringify(message(`m${i}`, 'x')));
    expect(socket.closedWith).toBe(1013);
    expect(socket.sent).toEqual([]);
  });

  it('rate-limits frames, then closes a flood with 1008', async () => {
    const { socket, posts } = setup();
    await tick();
    for (let i = 0; i < 3; i++) socket.frame({ type: 'message', text: `t${i}` });
    await tick();
    expect(posts).toHaveLength(2);
    // Burst 3 at 2/s: hello and two posts took it; the next frame passes in 500 ms.
    const limited = socket.sent.at(-1);
    expect(limited).toMatchObject({ v: 1, type: 'error', code: 'RATE_LIMITED', scope: 'connection' });
    expect(limited?.message).toMatch(/^too many frames; retry in \d+ ms$/);
    expect(limited?.retryAfterMs).toBeGreaterThan(400);
    expect(limited?.retryAfterMs).toBeLessThanOrEqual(500);
    for (let i = 0; i < 40; i++) socket.frame({ type: 'message', text: 'flood' });
    expect(socket.closedWith).toBe(1008);
  });

  it('resolves closed once the socket has closed, whether asked before or after', async () => {
    const { socket, conn } = setup();
    const asked = vi.fn();
    void conn.closed.then(asked);
    await tick();
    expect(asked).not.toHaveBeenCalled();
    socket.emit('close', 1000, Buffer.from(''));
    await conn.closed;
    expect(asked).toHaveBeenCalledOnce();
  });

  it('answers binary, unknown and malformed frames with error frames', async () => {
    const { socket } = setup();
    await tick();
    socket.emit('message', Buffer.from([0xff]), true);
    socket.frame({ type: 'shout' });
    expect(socket.sent.slice(-2)).toEqual([
      { v: 1, type: 'error', code: 'INVALID_ARGUMENT', message: 'binary frames are not supported; send JSON text' },
      { v: 1, type: 'error', code: 'INVALID_ARGUMENT', message: 'unknown frame type', field: 'type' },
    ]);
    expect(socket.closedWith).toBeUndefined();
  });

  describe('posts', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('stamps each post when it arrives, not when the store gets to it', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = gate();
      const { socket, requests } = setup({ post: store.post });
      await tick();
      vi.setSystemTime(1_000);
      socket.frame({ type: 'message', text: 'one' });
      vi.setSystemTime(2_000);
      socket.frame({ type: 'message', text: 'two' });
      vi.setSystemTime(9_000);
      store.release();
      await tick();
      store.release();
      await tick();
      expect(requests.map((r) => [r.fields, r.receivedAtMs])).toEqual([
        [{ type: 'message', text: 'one' }, 1_000],
        [{ type: 'message', text: 'two' }, 2_000],
      ]);
    });

    it('stores posts pipelined, refusing those past maxPendingPosts behind the oldest with RATE_LIMITED', async () => {
      const { socket, requests } = setup({
        post: () => new Promise(() => undefined),
        rateBurst: 10,
        maxPendingPosts: 2,
      });
      await tick();
      for (let i = 0; i < 5; i++) socket.frame({ type: 'message', text: `t${i}`, key: `k${i}` });
      await tick();
      expect(requests.map((r) => r.key)).toEqual(['k0', 'k1', 'k2']);
      expect(errors(socket)).toEqual([
        {
          v: 1,
          type: 'error',
          code: 'RATE_LIMITED',
          message: 'too many posts waiting to be stored; slow down',
          scope: 'connection',
          key: 'k3',
        },
        {
          v: 1,
          type: 'error',
          code: 'RATE_LIMITED',
          message: 'too many posts waiting to be stored; slow down',
          scope: 'connection',
          key: 'k4',
        },
      ]);
    });

    it('answers refused posts in posting order, although the store finishes them out of order', async () => {
      const finish: Array<() => void> = [];
      const { socket, requests } = setup({
        post: () => new Promise((resolve) => finish.push(() => resolve(rejected('UNAVAILABLE', 'try again')))),
        rateBurst: 10,
      });
      await tick();
      for (let i = 0; i < 3; i++) socket.frame({ type: 'message', text: `t${i}`, key: `k${i}` });
      await tick();
      expect(requests).toHaveLength(3);
      finish[2]!();
      finish[1]!();
      await tick();
      expect(errors(socket)).toEqual([]);
      finish[0]!();
      await tick();
      expect(errors(socket).map((f) => f.key)).toEqual(['k0', 'k1', 'k2']);
    });

    it('answers no post once the socket closes; those handed to the store are stored', async () => {
      const store = gate();
      const { socket, requests, conn } = setup({ post: store.post, rateBurst: 10 });
      await tick();
      for (let i = 0; i < 3; i++) socket.frame({ type: 'message', text: `t${i}` });
      await tick();
      conn.close('GOING_AWAY');
      socket.frame({ type: 'message', text: 'late' });
      store.release();
      await tick();
      expect(requests.map((r) => r.fields)).toEqual([0, 1, 2].map((i) => ({ type: 'message', text: `t${i}` })));
    });

    it('stores no post that waited for a hello when the connection closed before its first post', async () => {
      const { socket, requests, conn } = setup({ hello: null });
      socket.frame({ type: 'hello', token: 'alice-token' });
      socket.frame({ type: 'message', text: 'behind the hello' });
      conn.close('GOING_AWAY');
      await tick();
      expect(requests).toEqual([]);
    });

    it('answers a refused post with its key, and a malformed key without posting', async () => {
      const { socket, requests } = setup({
        post: () => Promise.resolve(rejected('UNAVAILABLE', 'the message could not be stored; try again')),
      });
      await tick();
      socket.frame({ type: 'message', text: 'x', key: 'a-1' });
      await tick();
      socket.frame({ type: 'message', text: 'y', key: 'no spaces' });
      expect(requests).toHaveLength(1);
      expect(errors(socket)).toEqual([
        { v: 1, type: 'error', code: 'UNAVAILABLE', message: 'the message could not be stored; try again', key: 'a-1' },
        {
          v: 1,
          type: 'error',
          code: 'INVALID_ARGUMENT',
          message: 'key must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -',
          field: 'key',
        },
      ]);
    });
  });
});
