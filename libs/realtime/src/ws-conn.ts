import { WebSocket, type RawData } from 'ws';
import { CLOSE_CODES, type CloseCode, type Logger } from '@onair/runtime';
import { postKeySchema } from './fields.js';
import {
  errorFrame,
  helloSchema,
  parseClientFrame,
  welcomeFrame,
  type ClientFrame,
  type ClientLimits,
  type RoomMessage,
} from './frames.js';
import type { PostObserver, PostRequest } from './room-messages.js';
import { PostQueue } from './post-queue.js';
import { RATE_VERDICT, RateLimiter } from './rate-limiter.js';
import type { Rejection, Result } from './result.js';
import type { RoomFanout, RoomMember } from './room-fanout.js';
import { validate } from './validate.js';
import type { RealtimeMetrics } from './realtime-metrics.js';

/** Frames a joining viewer gets before the welcome (chat: its room's history), and the message ids they hold. */
export interface JoinFrames {
  readonly frames: readonly string[];
  readonly ids: ReadonlySet<string>;
}

/** Everything a connection needs from its server; shared by all connections. */
export interface ConnContext {
  /** Accepts a post; `type` is the client frame type that posts. */
  readonly messages: { readonly type: string; post(request: PostRequest): Promise<Result<RoomMessage>> };
  readonly fanout: RoomFanout;
  /** Frames for a viewer joining `room`, sent before the welcome. */
  join(room: string): Promise<JoinFrames>;
  readonly limits: ClientLimits;
  /** A viewer whose socket buffers more than this is closed (1013), bytes. */
  readonly maxBufferedBytes: number;
  /** Frames kept for a viewer while it joins; more closes it (1013). */
  readonly maxBacklog: number;
  /** Posts of a connection waiting for the store behind the one being stored; more get RATE_LIMITED. */
  readonly maxPendingPosts: number;
  readonly observer: PostObserver;
  readonly metrics: RealtimeMetrics;
}

/** What a connection needs of its socket: the part of ws' WebSocket it uses. */
export interface ViewerSocket {
  readonly readyState: number;
  /** Bytes queued by send() and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
}

type ConnState = 'joining' | 'live' | 'closed';

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function messageId(frame: string): string | undefined {
  try {
    const parsed = JSON.parse(frame) as { id?: unknown } | null;
    return typeof parsed?.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One viewer's WebSocket in one room: joins the room (join frames, then welcome, then live frames),
 * reads the client's frames (hello, posts) under a per-connection rate limit, answers bad input with
 * error frames, and closes itself when it floods (POLICY_VIOLATION) or falls too far behind (TRY_AGAIN_LATER). Posts are
 * stamped when received and stored one at a time in arrival order, at most `maxPendingPosts` waiting;
 * those still waiting when the socket closes are dropped.
 */
export class WsConn implements RoomMember {
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  private state: ConnState = 'joining';
  private backlog: string[] = [];
  private readonly posts: PostQueue<PostRequest>;
  private readonly limiter: RateLimiter;
  private readonly log: Logger;
  private resolveClosed: () => void = () => undefined;

  constructor(
    private readonly ws: ViewerSocket,
    readonly id: string,
    readonly room: string,
    private name: string | null,
    private readonly ctx: ConnContext,
    log: Logger,
  ) {
    this.log = log.child({ room, conn: id });
    this.limiter = new RateLimiter({ ratePerSec: ctx.limits.ratePerSec, burst: ctx.limits.rateBurst });
    this.posts = new PostQueue(ctx.maxPendingPosts, (request) => this.post(request));
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Wires the socket's events and joins the room. */
  start(): void {
    this.ctx.metrics.connections.inc();
    this.log.info({ name: this.name }, 'opened');
    this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.ws.on('error', (err) => this.log.info({ err }, 'socket error'));
    this.ws.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
    void this.join();
  }

  /** Sends a frame delivered to the room (queued while joining). */
  deliver(frame: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.state === 'joining') {
      this.backlog.push(frame);
      if (this.backlog.length > this.ctx.maxBacklog) this.closeSlow();
    } else if (this.send(frame)) this.ctx.metrics.deliveries.inc();
  }

  /**
   * Drops the posts still waiting and starts the closing handshake (RFC 6455 §7.1.2) with the catalogue's code and
   * reason for `why`; a no-op once closing.
   */
  close(why: CloseCode): void {
    this.posts.close();
    const { code, reason } = CLOSE_CODES[why];
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private async join(): Promise<void> {
    try {
      await this.ctx.fanout.join(this.room, this);
      const initial = await this.ctx.join(this.room);
      if (this.state === 'closed') return;
      for (const frame of initial.frames) this.send(frame);
      this.sendWelcome();
      const backlog = this.backlog;
      this.backlog = [];
      this.state = 'live';
      for (const frame of backlog) {
        const id = messageId(frame);
        if (id === undefined || !initial.ids.has(id)) this.deliver(frame);
      }
    } catch (err) {
      this.log.error({ err }, 'join failed');
      this.close('INTERNAL_ERROR');
    }
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const receivedAtMs = Date.now();
    const verdict = this.limiter.check();
    if (verdict === RATE_VERDICT.FLOOD) {
      this.ctx.observer.rejected('flood');
      this.log.warn('flooding');
      this.close('POLICY_VIOLATION');
      return;
    }
    if (verdict === RATE_VERDICT.LIMITED)
      return this.reject({ code: 'RATE_LIMITED', message: 'too many frames; slow down' });
    if (isBinary)
      return this.reject({ code: 'INVALID_ARGUMENT', message: 'binary frames are not supported; send JSON text' });
    const frame = parseClientFrame(frameText(data));
    if (!frame.ok) return this.reject(frame.rejection);
    if (frame.value.type === 'hello') return this.hello(frame.value);
    if (frame.value.type !== this.ctx.messages.type)
      return this.reject({ code: 'INVALID_ARGUMENT', message: 'unknown frame type', field: 'type' });
    const name = this.name;
    if (name === null)
      return this.reject({ code: 'UNAUTHENTICATED', message: 'send {"type":"hello","name":...} first', field: 'name' });
    this.queuePost({ room: this.room, name, fields: frame.value, receivedAtMs }, frame.value.key);
  }

  /** Queues a post for the store once its optional idempotency key checks out. */
  private queuePost(request: Omit<PostRequest, 'key'>, key: unknown): void {
    let checkedKey: string | undefined;
    if (key !== undefined) {
      const keyCheck = validate(postKeySchema, key);
      if (!keyCheck.ok) return this.reject({ ...keyCheck.rejection, field: 'key' });
      checkedKey = keyCheck.value;
    }
    if (!this.posts.push({ ...request, key: checkedKey }))
      this.reject({ code: 'RATE_LIMITED', message: 'too many posts waiting to be stored; slow down' }, checkedKey);
  }

  private hello(frame: ClientFrame): void {
    const hello = validate(helloSchema, frame);
    if (!hello.ok) return this.reject(hello.rejection);
    this.name = hello.value.name;
    this.log.debug({ name: this.name }, 'hello');
    if (this.state === 'live') this.sendWelcome();
  }

  /** Stores one post; a failure is answered with an error frame carrying the post's key. Never rejects. */
  private async post(request: PostRequest): Promise<void> {
    try {
      const result = await this.ctx.messages.post(request);
      if (!result.ok) this.send(errorFrame(result.rejection, request.key));
    } catch (err) {
      this.log.error({ err }, 'post failed');
      this.send(errorFrame({ code: 'INTERNAL', message: 'internal error' }, request.key));
    }
  }

  private reject(rejection: Rejection, key?: string): void {
    this.ctx.observer.rejected(rejection.code.toLowerCase());
    this.send(errorFrame(rejection, key));
  }

  private sendWelcome(): void {
    this.send(welcomeFrame({ room: this.room, conn: this.id, name: this.name, limits: this.ctx.limits }));
  }

  /** Sends when the socket is open and keeping up; true when sent. */
  private send(frame: string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    this.ws.send(frame);
    return true;
  }

  private closeSlow(): void {
    this.ctx.metrics.slowViewersClosed.inc();
    this.log.warn({ bufferedBytes: this.ws.bufferedAmount, backlog: this.backlog.length }, 'slow viewer');
    this.close('TRY_AGAIN_LATER');
  }

  private onClose(code: number, reason: string): void {
    this.state = 'closed';
    this.backlog = [];
    this.posts.close();
    this.ctx.fanout.leave(this.room, this);
    this.ctx.metrics.connections.dec();
    this.log.info({ code, reason }, 'closed');
    this.resolveClosed();
  }
}
