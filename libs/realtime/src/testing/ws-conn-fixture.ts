/** Test fixtures of WsConn: a socket and a bus the test drives, a verifier that knows a few tokens. */
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { createLogger, OnairError } from '@onair/runtime';
import type { RoomMessage } from '../frames.js';
import { createRealtimeMetrics } from '../realtime-metrics.js';
import type { PostRequest } from '../room-messages.js';
import { accepted, type Result } from '../result.js';
import { RoomFanout, type Bus } from '../room-fanout.js';
import type { Identity, Poster } from '../identity.js';
import type { TokenVerifier } from '../token-verifier.js';
import type { JoinFrames, ViewerSocket } from '../conn-context.js';
import { WsConn } from '../ws-conn.js';

const OPEN = 1;
const CLOSING = 2;

/** A socket that records what the connection sends and lets the test play the client. */
export class FakeSocket extends EventEmitter implements ViewerSocket {
  readyState = OPEN;
  bufferedAmount = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  closedWith: number | undefined;

  send(data: Buffer): void {
    this.sent.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
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
export function fakeBus(): Bus & { publish(data: string): void } {
  let deliver: ((data: string) => void) | undefined;
  return {
    subscribe(_subject, onMessage) {
      deliver = onMessage;
      return Promise.resolve({
        unsubscribe: () => {
          deliver = undefined;
          return Promise.resolve();
        },
      });
    },
    publish: (data) => deliver?.(data),
  };
}

export const message = (id: string, text: string): RoomMessage => ({
  v: 1,
  type: 'message',
  id,
  room: 'demo',
  name: 'a',
  userId: 'u-a',
  text,
  sentAtMs: 1,
});

const HOUR_MS = 3_600_000;

/** Identities the fake verifier knows, by token. */
export const IDENTITIES: Record<string, Identity> = {
  'alice-token': { userId: 'u-alice', name: 'Alice', roles: ['viewer'], expiresAtMs: Date.now() + HOUR_MS },
  'mod-token': { userId: 'u-mod', name: 'Mo', roles: ['moderator'], expiresAtMs: Date.now() + HOUR_MS },
  'other-room-token': {
    userId: 'u-bob',
    name: 'Bob',
    roles: ['viewer'],
    rooms: ['elsewhere'],
    expiresAtMs: Date.now() + HOUR_MS,
  },
};

/** A verifier that knows {@link IDENTITIES} (and `short:<ms>` tokens that expire `ms` from now) and refuses the rest. */
export const verifier: TokenVerifier = {
  verify: (token) => {
    const short = /^short:(\d+)$/.exec(token);
    if (short) return Promise.resolve({ ...IDENTITIES['alice-token']!, expiresAtMs: Date.now() + Number(short[1]) });
    const identity = IDENTITIES[token];
    return identity ? Promise.resolve(identity) : Promise.reject(new OnairError('UNAUTHENTICATED', 'bad signature'));
  },
};

export interface SetupOptions {
  join?: (room: string, since?: number) => Promise<JoinFrames>;
  /** The first frame; null sends none. @default a hello with Alice's token */
  hello?: object | null;
  guests?: boolean;
  helloTimeoutMs?: number;
  /** The answer to a post. @default accepted at once */
  post?: (request: PostRequest) => Promise<Result<RoomMessage>>;
  rateBurst?: number;
  maxPendingPosts?: number;
  /** The room's posts held for review. @default none */
  held?: RoomMessage[];
  /** The answer to a moderation action. @default carried out */
  applied?: Result<void>;
}

/** A moderation action a connection asked for. */
export interface AppliedAction {
  readonly actor: Poster;
  readonly room: string;
  readonly action: unknown;
}

export function setup({
  join = () => Promise.resolve({ frames: [], lastSeq: 0 }),
  post = () => Promise.resolve(accepted(message('p', 'posted'))),
  rateBurst = 3,
  maxPendingPosts = 5,
  hello = { type: 'hello', token: 'alice-token' },
  guests = false,
  helloTimeoutMs = 10_000,
  held = [],
  applied = accepted(undefined),
}: SetupOptions = {}) {
  const actions: AppliedAction[] = [];
  const socket = new FakeSocket();
  const bus = fakeBus();
  const log = createLogger({ service: 'test', level: 'silent' });
  const registry = new Registry();
  const metrics = createRealtimeMetrics(registry);
  const posts: unknown[] = [];
  const requests: PostRequest[] = [];
  const conn = new WsConn(
    socket,
    'c0ffee01',
    'demo',
    {
      messages: {
        type: 'message',
        post: (request) => {
          posts.push(request.fields);
          requests.push(request);
          return post(request);
        },
      },
      fanout: new RoomFanout(bus, (room) => `chat.room.${room}`, log),
      join,
      verifier,
      guests: () => guests,
      moderation: {
        apply: (actor, room, action) => {
          actions.push({ actor, room, action });
          return Promise.resolve(applied);
        },
        held: () => held,
        settings: () => ({
          slowModeS: 0,
          mode: 'everyone',
          guests,
          densityPerSec: 0,
          mergeIdentical: false,
          roomRatePerSec: 0,
          blockedTerms: 0,
        }),
      },
      helloTimeoutMs,
      limits: { maxTextLength: 10, ratePerSec: 2, rateBurst, maxFrameBytes: 4096 },
      maxBufferedBytes: 1000,
      viewerQueue: { highWaterBytes: 1000, maxQueuedBytes: 1000, maxBehindMs: 1000 },
      maxBacklog: 3,
      maxPendingPosts,
      observer: { accepted: () => undefined, rejected: () => undefined },
      metrics,
    },
    log,
  );
  conn.start();
  if (hello) socket.frame(hello);
  return { socket, bus, conn, posts, requests, registry, actions };
}

/** An answer to a post that waits until the test releases it. */
export function gate(): { post: () => Promise<Result<RoomMessage>>; release(): void } {
  const waiting: Array<() => void> = [];
  return {
    post: () => new Promise((resolve) => waiting.push(() => resolve(accepted(message('p', 'posted'))))),
    release: () => {
      for (const open of waiting.splice(0)) open();
    },
  };
}

export const errors = (socket: FakeSocket) => socket.sent.filter((f) => f.type === 'error');

export const tick = () => new Promise((resolve) => setImmediate(resolve));
