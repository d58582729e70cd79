import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import type { RoomMessage } from './frames.js';
import { createRealtimeMetrics } from './realtime-metrics.js';
import { accepted } from './result.js';
import { RoomFanout, type Bus } from './room-fanout.js';
import { WsConn, type JoinFrames, type ViewerSocket } from './ws-conn.js';

const OPEN = 1;
const CLOSING = 2;

/** A socket that records what the connection sends and lets the test play the client. */
class FakeSocket extends EventEmitter implements ViewerSocket {
  readyState = OPEN;
  bufferedAmount = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  closedWith: number | undefined;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code: number): void {
    this.closedWith ??= code;
    this.readyState = CLOSING;
  }

  terminate(): void {
    this.readyState = CLOSING;
  }

  frame(value: object): void {
    this.emit('message', Buffer.from(JSON.stringify(value)), false);
  }
}

/** A bus whose publish the test drives. */
function fakeBus(): Bus & { publish(data: string): void } {
  let deliver: ((data: string) => void) | undefined;
  return {
    subscribe(_subject, onMessage) {
      deliver = onMessage;
      return Promise.resolve({ unsubscribe: () => (deliver = undefined) });
    },
    publish: (data) => deliver?.(data),
  };
}

const message = (id: string, text: string): RoomMessage => ({
  v: 1,
  type: 'message',
  id,
  room: 'demo',
  name: 'a',
  text,
  sentAtMs: 1,
});

function setup(join: (room: string) => Promise<JoinFrames> = () => Promise.resolve({ frames: [], ids: new Set() })) {
  const socket = new FakeSocket();
  const bus = fakeBus();
  const log = createLogger({ service: 'test', level: 'silent' });
  const registry = new Registry();
  const metrics = createRealtimeMetrics(registry);
  const posts: unknown[] = [];
  const conn = new WsConn(
    socket,
    '1',
    'demo',
    'alice',
    {
      poster: {
        type: 'message',
        post: (request) => {
          posts.push(request.fields);
          return Promise.resolve(accepted(message('p', 'posted')));
        },
      },
      fanout: new RoomFanout(bus, (room) => `chat.room.${room}`, log),
      join,
      limits: { maxTextLength: 10, ratePerSec: 2, rateBurst: 2, maxFrameBytes: 4096 },
      maxBufferedBytes: 1000,
      maxBacklog: 3,
      observer: { accepted: () => undefined, rejected: () => undefined },
      metrics,
    },
    log,
  );
  conn.start();
  return { socket, bus, conn, posts, registry };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WsConn', () => {
  it('sends the join frames, then the welcome, then what arrived meanwhile minus what the join frames held', async () => {
    let finishJoin: (frames: JoinFrames) => void = () => undefined;
    const { socket, bus } = setup(() => new Promise((resolve) => (finishJoin = resolve)));
    await tick();
    bus.publish(JSON.stringify(message('m1', 'in history too')));
    bus.publish(JSON.stringify(message('m2', 'new')));
    expect(socket.sent).toEqual([]);
    finishJoin({
      frames: [JSON.stringify({ type: 'history', messages: [message('m1', 'in history too')] })],
      ids: new Set(['m1']),
    });
    await tick();
    expect(socket.sent.map((f) => f.type)).toEqual(['history', 'welcome', 'message']);
    expect(socket.sent[2]).toMatchObject({ id: 'm2' });
    bus.publish(JSON.stringify(message('m3', 'live')));
    expect(socket.sent.at(-1)).toMatchObject({ id: 'm3' });
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
    const { socket, bus } = setup(() => new Promise(() => undefined));
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
    expect(socket.sent.at(-1)).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    for (let i = 0; i < 30; i++) socket.frame({ type: 'message', text: 'flood' });
    expect(socket.closedWith).toBe(1008);
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
});
