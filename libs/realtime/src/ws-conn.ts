import { WebSocket, type RawData } from 'ws';
import { CLOSE_CODES, OnairError, type CloseCode, type Logger } from '@onair/runtime';
import { postKeySchema } from './fields.js';
import {
  clientFrameText,
  errorFrame,
  frameSeq,
  helloSchema,
  parseClientFrame,
  welcomeFrame,
  type ClientFrame,
  type Hello,
  type RoomMessage,
} from './frames.js';
import type { ConnContext, ViewerSocket } from './conn-context.js';
import { guestPoster, identityAllowsRoom, posterOf, type Poster } from './identity.js';
import { heldFrame, moderatedFrame, moderationActionOf, roomStateFrame } from './moderation-frames.js';
import type { ModerationActionName } from './moderation/moderation-action.js';
import { isModerator } from './moderation/poster-rank.js';
import { ExpiryTimer } from './expiry-timer.js';
import { corkUntilNextTurn, encodedFrame } from './frame-writes.js';
import type { PostRequest } from './room-messages.js';
import { PostQueue } from './post-queue.js';
import { RATE_VERDICT, RateLimiter } from './rate-limiter.js';
import { rejected, rejectionReason, type Rejection, type Result } from './result.js';
import type { PresenceUser } from './presence-message.js';
import { FrameBatch, framesOf } from './room-batch.js';
import type { RoomMember } from './room-fanout.js';
import { validate } from './validate.js';
import { ViewerQueue, writeIfKeepingUp } from './viewer-queue.js';
import { CLOCK_TOLERANCE_S } from './token-verifier.js';

type ConnState = 'greeting' | 'joining' | 'live' | 'closed';

/**
 * One viewer's WebSocket in one room. Its first frame is a hello (`{"type":"hello","token"?,"since"?}`): the token,
 * when there is one, is verified and names the poster (name and roles never come from the client); then the
 * connection joins the room (join frames, then welcome, then live frames). A later hello with a fresh token
 * replaces the identity; when the token expires without one, the socket closes (TOKEN_EXPIRED, 4001). Frames are
 * read under a per-connection rate limit, bad input is answered with error frames, and the connection closes itself
 * when it floods (POLICY_VIOLATION), falls too far behind (TRY_AGAIN_LATER) or never says hello (NO_HELLO). Posts
 * are stamped when received and stored pipelined in arrival order (PostQueue), their refusals answered in that order,
 * at most `maxPendingPosts` outstanding behind the oldest; once the socket closes no more are answered.
 */
export class WsConn implements RoomMember {
  private state: ConnState = 'greeting';
  /** Who posts here: the token's bearer, or null (a guest where the room allows it, else reading only). */
  private poster: Poster | null = null;
  /** The hello being verified: frames that follow it wait for it, so a post right after a hello is the hello's. */
  private helloing: Promise<void> | undefined;
  // Made when first needed, so that an idle reader holds little: the token's expiry timer with the first token, the
  // backlog with the first frame delivered while joining; the hello timer is dropped once the hello came.
  private expiry: ExpiryTimer | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private backlog: string[] | undefined;
  /** Room batches waiting for the socket, made when it first falls behind (until then they go straight to it). */
  private queue: ViewerQueue | undefined;
  /** Posts on their way to the store, made by the first post; `postsClosed` refuses more once the socket closes. */
  private posts: PostQueue<PostRequest, Result<RoomMessage>> | undefined;
  private postsClosed = false;
  private readonly limiter: RateLimiter;
  /** {@link closed} and its resolver, made by the first wait for the close. */
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    private readonly ws: ViewerSocket,
    readonly id: string,
    readonly room: string,
    private readonly ctx: ConnContext,
    /** The server's logger, shared by its connections; each line names the room and conn ({@link logFields}). */
    private readonly log: Logger,
    /** Told once the socket has closed. */
    private readonly onClosed?: (conn: WsConn) => void,
  ) {
    this.helloTimer = setTimeout(() => this.close('NO_HELLO'), ctx.helloTimeoutMs).unref();
    this.limiter = new RateLimiter({ ratePerSec: ctx.limits.ratePerSec, burst: ctx.limits.rateBurst });
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    return (this.closedPromise ??= new Promise((resolve) => (this.resolveClosed = resolve)));
  }

  /** Who this viewer is for presence: the token's bearer; null for a guest or a reader (counted, not listed). */
  get viewer(): PresenceUser | null {
    const poster = this.poster;
    return poster === null || poster.guest ? null : { userId: poster.userId, name: poster.name };
  }

  /** True for a moderator, broadcaster or admin: it gets the room's held posts. */
  get moderates(): boolean {
    return this.poster !== null && isModerator(this.poster);
  }

  /** Wires the socket's events and joins the room. */
  start(): void {
    this.ctx.metrics.connections.inc();
    this.log.info(this.logFields(), 'opened');
    this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.ws.on('error', (err) => this.log.info(this.logFields({ err }), 'socket error'));
    this.ws.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
  }

  /**
   * Sends a frame or a batch delivered to the room: kept frame by frame while joining, then a batch through the
   * viewer's queue ({@link ViewerQueue}: a viewer that falls behind has its oldest batches dropped, and is closed when
   * it stays behind).
   */
  deliver(frame: string | FrameBatch): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.state === 'greeting') return;
    if (this.state === 'joining') {
      this.backlog ??= [];
      this.backlog.push(...framesOf(frame));
      if (this.backlog.length > this.ctx.maxBacklog) this.closeSlow();
    } else if (typeof frame === 'string') this.sendRoomFrames(new FrameBatch([frame]));
    else {
      const own = this.poster === null ? undefined : frame.setAside?.get(this.poster.userId);
      if (frame.items.length > 0) this.sendRoomFrames(frame);
      if (own !== undefined) this.sendRoomFrames(new FrameBatch(own));
    }
  }

  /**
   * Sends room frames through the viewer's queue, counting what it wrote and dropped, and closes a viewer stuck behind;
   * straight through ws where there is no TCP socket to write to.
   */
  private sendRoomFrames(batch: FrameBatch): void {
    const socket = this.ws._socket;
    if (socket === undefined) {
      if (this.send(batch.frame)) this.countWritten(batch.items.length);
      return;
    }
    if (this.queue === undefined && writeIfKeepingUp(socket, batch, this.ctx.viewerQueue))
      return this.countWritten(batch.items.length);
    const { metrics } = this.ctx;
    this.queue ??= new ViewerQueue(socket, this.ctx.viewerQueue, (items, batches) => {
      metrics.deliveries.inc(items);
      metrics.fanoutFrames.inc(batches);
    });
    const { written, dropped, stuck } = this.queue.push(batch);
    if (written > 0) this.countWritten(written);
    if (dropped > 0) metrics.droppedForSlowViewers.inc(dropped);
    if (stuck) this.closeSlow();
  }

  /** Counts `items` room frames written to the socket in one WebSocket frame. */
  private countWritten(items: number): void {
    this.ctx.metrics.deliveries.inc(items);
    this.ctx.metrics.fanoutFrames.inc();
  }

  /**
   * Stops answering posts and starts the closing handshake (RFC 6455 §7.1.2) with the catalogue's code and
   * reason for `why`; a no-op once closing.
   */
  close(why: CloseCode): void {
    this.postsClosed = true;
    this.posts?.close();
    const { code, reason } = CLOSE_CODES[why];
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private async join(since: number | undefined): Promise<void> {
    try {
      await this.ctx.fanout.join(this.room, this);
      const initial = await this.ctx.join(this.room, since);
      if (this.state === 'closed') return;
      for (const frame of initial.frames) this.send(frame);
      this.sendWelcome();
      this.send(roomStateFrame(this.room, this.ctx.moderation.settings(this.room)));
      if (this.moderates) for (const held of this.ctx.moderation.held(this.room)) this.send(heldFrame(this.room, held));
      const backlog = this.backlog ?? [];
      this.backlog = undefined;
      this.state = 'live';
      for (const frame of backlog) if ((frameSeq(frame) ?? Infinity) > initial.lastSeq) this.deliver(frame);
    } catch (err) {
      this.log.error(this.logFields({ err }), 'join failed');
      this.close('INTERNAL_ERROR');
    }
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const receivedAtMs = Date.now();
    const verdict = this.limiter.check();
    if (verdict === RATE_VERDICT.FLOOD) {
      this.ctx.observer.rejected('flood', this.room);
      this.log.warn(this.logFields(), 'flooding');
      this.close('POLICY_VIOLATION');
      return;
    }
    if (verdict === RATE_VERDICT.LIMITED) {
      const retryAfterMs = this.limiter.retryAfterMs();
      return this.reject({
        code: 'RATE_LIMITED',
        message: `too many frames; retry in ${retryAfterMs} ms`,
        scope: 'connection',
        retryAfterMs,
      });
    }
    if (isBinary)
      return this.reject({ code: 'INVALID_ARGUMENT', message: 'binary frames are not supported; send JSON text' });
    const frame = parseClientFrame(clientFrameText(data));
    if (!frame.ok) return this.reject(frame.rejection);
    const helloing = this.helloing;
    if (helloing) void helloing.then(() => this.dispatch(frame.value, receivedAtMs));
    else this.dispatch(frame.value, receivedAtMs);
  }

  private dispatch(frame: ClientFrame, receivedAtMs: number): void {
    if (this.state === 'closed') return;
    if (frame.type === 'hello') {
      const hello = this.hello(frame).finally(() => {
        if (this.helloing === hello) this.helloing = undefined;
      });
      this.helloing = hello;
      return;
    }
    if (this.state === 'greeting')
      return this.reject({ code: 'UNAUTHENTICATED', message: 'send {"type":"hello"} first', field: 'type' });
    if (frame.type === 'moderate') return this.moderate(frame);
    if (frame.type !== this.ctx.messages.type)
      return this.reject({ code: 'INVALID_ARGUMENT', message: 'unknown frame type', field: 'type' });
    const poster = this.poster ?? (this.ctx.guests(this.room) ? guestPoster(this.id) : null);
    if (poster === null)
      return this.reject({
        code: 'UNAUTHENTICATED',
        message: 'posting needs a token: send {"type":"hello","token":...}',
      });
    this.queuePost({ room: this.room, poster, fields: frame, receivedAtMs }, frame.key);
  }

  /**
   * Carries out a `{"type":"moderate","action":...,"key"?:...}` frame of the token's bearer: answered with a
   * `moderated` frame, or an error frame (both with the frame's key).
   */
  private moderate(frame: ClientFrame): void {
    const actor = this.poster;
    if (actor === null || actor.guest)
      return this.reject({
        code: 'UNAUTHENTICATED',
        message: 'moderating needs a token: send {"type":"hello","token":...}',
      });
    const keyCheck = frame.key === undefined ? undefined : validate(postKeySchema, frame.key);
    if (keyCheck && !keyCheck.ok) return this.reject({ ...keyCheck.rejection, field: 'key' });
    const key = keyCheck?.value;
    const action = moderationActionOf(frame);
    this.ctx.moderation.apply(actor, this.room, action).then(
      (result) => {
        if (result.ok) this.send(moderatedFrame(action.action as ModerationActionName, key));
        else this.reject(result.rejection, key);
      },
      (err: unknown) => {
        this.log.error(this.logFields({ err }), 'moderation failed');
        this.reject({ code: 'INTERNAL', message: 'internal error' }, key);
      },
    );
  }

  /** Queues a post for the store once its optional idempotency key checks out. */
  private queuePost(request: Omit<PostRequest, 'key'>, key: unknown): void {
    let checkedKey: string | undefined;
    if (key !== undefined) {
      const keyCheck = validate(postKeySchema, key);
      if (!keyCheck.ok) return this.reject({ ...keyCheck.rejection, field: 'key' });
      checkedKey = keyCheck.value;
    }
    if (!this.postsClosed) this.posts ??= this.newPostQueue();
    if (!this.posts?.push({ ...request, key: checkedKey }))
      this.reject(
        { code: 'RATE_LIMITED', message: 'too many posts waiting to be stored; slow down', scope: 'connection' },
        checkedKey,
      );
  }

  /** The post queue: stores each post, answers refusals with error frames in arrival order. */
  private newPostQueue(): PostQueue<PostRequest, Result<RoomMessage>> {
    return new PostQueue(
      this.ctx.maxPendingPosts,
      (request) => this.store(request),
      (request, result) => {
        if (!result.ok) this.send(errorFrame(result.rejection, request.key));
      },
    );
  }

  /** Takes a hello: verifies its token (keeping the old identity when it fails), then joins or re-welcomes. */
  private async hello(frame: ClientFrame): Promise<void> {
    const hello = validate(helloSchema, frame);
    if (!hello.ok) return this.reject(hello.rejection);
    if (hello.value.token !== undefined && !(await this.authenticate(hello.value))) return;
    if (this.state === 'closed') return;
    if (this.state === 'greeting') {
      clearTimeout(this.helloTimer);
      this.helloTimer = undefined;
      this.state = 'joining';
      await this.join(hello.value.since);
    } else this.sendWelcome();
  }

  /** Verifies the hello's token and takes its identity; false (after an error frame) when it is refused. */
  private async authenticate({ token }: Hello): Promise<boolean> {
    const verifier = this.ctx.verifier;
    if (verifier === undefined || token === undefined) {
      this.reject({ code: 'UNAUTHENTICATED', message: 'this server verifies no tokens', field: 'token' });
      return false;
    }
    try {
      const identity = await verifier.verify(token);
      if (!identityAllowsRoom(identity, this.room)) {
        this.reject({ code: 'FORBIDDEN', message: 'the token is not good for this room', field: 'token' });
        return false;
      }
      this.poster = posterOf(identity);
      this.expiry ??= new ExpiryTimer(() => this.onTokenExpired());
      this.expiry.set(identity.expiresAtMs + CLOCK_TOLERANCE_S * 1000);
      this.log.debug(this.logFields({ userId: identity.userId, roles: identity.roles }), 'authenticated');
      return true;
    } catch (err) {
      if (!(err instanceof OnairError)) throw err;
      this.reject({ code: err.code, message: err.message, field: 'token' });
      return false;
    }
  }

  private onTokenExpired(): void {
    this.log.info(this.logFields({ userId: this.poster?.userId }), 'token expired');
    this.close('TOKEN_EXPIRED');
  }

  /** Stores one post; resolves to its outcome, an unexpected error being INTERNAL. Never rejects. */
  private async store(request: PostRequest): Promise<Result<RoomMessage>> {
    try {
      return await this.ctx.messages.post(request);
    } catch (err) {
      this.log.error(this.logFields({ err }), 'post failed');
      return rejected('INTERNAL', 'internal error');
    }
  }

  private reject(rejection: Rejection, key?: string): void {
    this.ctx.observer.rejected(rejectionReason(rejection), this.room);
    this.send(errorFrame(rejection, key));
  }

  private sendWelcome(): void {
    const user = this.poster ?? (this.ctx.guests(this.room) ? guestPoster(this.id) : null);
    this.send(welcomeFrame({ room: this.room, conn: this.id, user, limits: this.ctx.limits }));
  }

  /** Sends when the socket is open and keeping up; true when sent. */
  private send(frame: string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    corkUntilNextTurn(this.ws._socket);
    this.ws.send(encodedFrame(frame), { binary: false });
    return true;
  }

  private closeSlow(): void {
    this.ctx.metrics.slowViewersClosed.inc();
    const backlog = this.backlog?.length ?? 0;
    const fields = { bufferedBytes: this.ws.bufferedAmount, backlog, queued: this.queue?.queued ?? 0 };
    this.log.warn(this.logFields(fields), 'slow viewer');
    this.queue?.clear();
    this.close('TRY_AGAIN_LATER');
  }

  /** A log line's fields: room and conn, then `fields` (per line: a pino child per connection costs memory while open). */
  private logFields(fields?: Record<string, unknown>): Record<string, unknown> {
    return { room: this.room, conn: this.id, ...fields };
  }

  private onClose(code: number, reason: string): void {
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    this.expiry?.clear();
    this.backlog = undefined;
    this.postsClosed = true;
    this.posts?.close();
    this.ctx.fanout.leave(this.room, this);
    this.ctx.metrics.connections.dec();
    this.log.info(this.logFields({ code, reason }), 'closed');
    this.resolveClosed?.();
    this.onClosed?.(this);
  }
}
