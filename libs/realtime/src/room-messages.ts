import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '@onair/runtime';
import { nameSchema, postKeySchema, roomIdSchema } from './fields.js';
import { isRoomMessage, PROTOCOL_VERSION, type RoomMessage } from './frames.js';
import type { Poster } from './identity.js';
import type { LimitedPost } from './post-limits.js';
import { accepted, rejected, rejectionReason, type Rejection, type Result } from './result.js';
import type { MessageStore } from './room-log.js';
import { HELD_REJECTION, type Verdict } from './moderation/post-check.js';
import { posterBadge } from './moderation/poster-rank.js';
import { validate } from './validate.js';

/** The fields the server stamps on every accepted message. */
export type MessageStamp = Omit<RoomMessage, 'text'>;

/**
 * A kind of room message (danmaku, chat message): the schema of what a client posts, how an accepted post
 * becomes the delivered message, and where such messages are kept.
 */
export interface MessageKind<P extends { text: string }, M extends RoomMessage> {
  /** Type of the client's post frame and of the delivered message, e.g. "danmaku". */
  readonly type: M['type'];
  /** Zod schema of the post's fields (the client frame minus `type`/`v`). */
  readonly schema: z.ZodType<P>;
  /** Builds the delivered message from the server's stamp and the validated post. */
  shape(stamp: MessageStamp, post: P): M;
  /** JetStream capture stream the messages are stored in, e.g. "CHAT" (history in `<stream>_HISTORY`). */
  readonly stream: string;
  /** NATS subject prefix; a room's subject is `<prefix>.<room>`, e.g. "chat.room". */
  readonly subjectPrefix: string;
  /** Whether a joining viewer first gets its room's last messages (a history frame) before the welcome. */
  readonly historyOnJoin: boolean;
}

/** One post, from a WebSocket frame or a gRPC request. */
export interface PostRequest {
  readonly room: string;
  /** Who posts: the connection's token bearer or guest, or the gRPC caller's poster. */
  readonly poster: Poster;
  /** The post's fields, validated against the kind's schema. */
  readonly fields: unknown;
  /**
   * The client's idempotency key ({@link postKeySchema}): posts of the same room and user with the same
   * key within the stream's duplicate window (2 min) are one post, stored and delivered once.
   */
  readonly key?: string | undefined;
  /** When the post was received, unix epoch ms: the message's `sentAtMs`. @default the clock at the post */
  readonly receivedAtMs?: number | undefined;
}

/** Told about every post's outcome (metrics and telemetry). */
export interface PostObserver {
  accepted(room: string): void;
  /**
   * `reason` is the lower-case error code, e.g. "invalid_argument", or "rate_limited_user" / "rate_limited_room"
   * (see rejectionReason); `room` the room the post named.
   */
  rejected(reason: string, room: string): void;
}

/**
 * The room's rules a post must pass before it is stored (Moderation implements it). `check` is synchronous, so
 * posts of one connection keep their order through the pipelined store.
 */
export interface PostGate {
  /** What the room's rules say about `poster` posting `text` now. */
  check(room: string, poster: Poster, text: string): Verdict;
  /** Keeps a held post for review. @throws when it cannot be kept. */
  hold(message: RoomMessage): Promise<void>;
  /** Slow-mode bookkeeping of a post the rules allowed, when it goes to the store. */
  recordPost(room: string, poster: Poster): void;
}

/** The instance's post limits beyond the room's rules (PostLimits implements it). */
export interface PostLimiter {
  /** Undefined when the post may go on (and is then counted), else the refusal (RATE_LIMITED, DUPLICATE). */
  check(post: LimitedPost): Rejection | undefined;
  /** The post was not stored after all: its text is no duplicate of a resend. */
  forget(post: LimitedPost): void;
}

/** Options of {@link RoomMessages}. */
export interface RoomMessagesOptions<P extends { text: string }, M extends RoomMessage> {
  kind: MessageKind<P, M>;
  store: MessageStore;
  observer: PostObserver;
  /** The room's rules (moderation); absent: every valid post is stored. */
  gate?: PostGate;
  /** Per-user and per-room rates and duplicate texts, checked after the room's rules; absent: none. */
  limits?: PostLimiter;
  log: Logger;
  /** Wall clock, unix epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * JetStream message id of a keyed post: SHA-256 (hex) of its room, user id and key, so the keys of different
 * rooms or senders never meet.
 */
function keyedDedupId(room: string, userId: string, key: string): string {
  return createHash('sha256')
    .update(JSON.stringify([room, userId, key]))
    .digest('hex');
}

/**
 * The transport-free business of a room message service: validates a post (room, poster's name, key, fields),
 * stamps it (id, receipt time), shapes it and stores it; viewers get what the store accepted (see
 * RoomFanout). Used alike by the WebSocket connections and the gRPC handlers.
 */
export class RoomMessages<P extends { text: string }, M extends RoomMessage> {
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: RoomMessagesOptions<P, M>) {
    this.log = options.log.child({ component: 'room-messages' });
    this.now = options.now ?? Date.now;
  }

  /** Type of the messages this accepts, e.g. "danmaku". */
  get type(): M['type'] {
    return this.options.kind.type;
  }

  /**
   * Validates, checks against the room's rules ({@link PostGate}: a masked text replaces the post's), stamps, shapes
   * and stores one post; the value is the stored message, which for a repeated key is the one stored first.
   * Expected failures are values: INVALID_ARGUMENT, UNAVAILABLE, the rules' refusals (BANNED, FORBIDDEN, SLOW_MODE,
   * BLOCKED_TERM), then the limits' (DUPLICATE, RATE_LIMITED scope user or room), and HELD_FOR_REVIEW for a post
   * kept for a moderator.
   * @throws when the store holds a message of another kind under the post's key (a broken invariant).
   */
  async post(request: PostRequest): Promise<Result<M>> {
    const result = await this.accept(request);
    if (result.ok) this.options.observer.accepted(request.room);
    else this.options.observer.rejected(rejectionReason(result.rejection), request.room);
    return result;
  }

  /** The room's last `limit` messages, oldest first. */
  async recent(room: string, limit: number): Promise<Result<M[]>> {
    const roomCheck = validate(roomIdSchema, room);
    if (!roomCheck.ok) return roomCheck;
    try {
      const stored = await this.options.store.recent(room, limit);
      return accepted(stored.filter((m): m is M => isRoomMessage(m, this.options.kind.type)));
    } catch (err) {
      this.log.error({ err, room }, 'history read failed');
      return rejected('UNAVAILABLE', 'history is not available right now');
    }
  }

  private async accept({ room, poster, fields, key, receivedAtMs }: PostRequest): Promise<Result<M>> {
    const roomCheck = validate(roomIdSchema, room);
    if (!roomCheck.ok) return { ok: false, rejection: { ...roomCheck.rejection, field: 'room' } };
    const nameCheck = validate(nameSchema, poster.name);
    if (!nameCheck.ok) return { ok: false, rejection: { ...nameCheck.rejection, field: 'name' } };
    const keyCheck = key === undefined ? undefined : validate(postKeySchema, key);
    if (keyCheck && !keyCheck.ok) return { ok: false, rejection: { ...keyCheck.rejection, field: 'key' } };
    const post = validate(this.options.kind.schema, fields);
    if (!post.ok) return post;
    const gate = this.options.gate;
    const verdict = gate?.check(room, poster, post.value.text) ?? { kind: 'allow', text: post.value.text };
    if (verdict.kind === 'refuse') return { ok: false, rejection: verdict.rejection };
    const limited: LimitedPost = { room, poster, text: post.value.text, key: keyCheck?.value };
    const limit = this.options.limits?.check(limited);
    if (limit !== undefined) return { ok: false, rejection: limit };
    const badge = posterBadge(poster);
    const stamp: MessageStamp = {
      v: PROTOCOL_VERSION,
      type: this.options.kind.type,
      id: randomUUID(),
      room,
      name: nameCheck.value,
      userId: poster.userId,
      sentAtMs: receivedAtMs ?? this.now(),
      ...(badge === undefined ? {} : { badge }),
    };
    if (verdict.kind === 'hold') return this.hold(this.options.kind.shape(stamp, post.value), limited);
    const message = this.options.kind.shape(stamp, { ...post.value, text: verdict.text });
    gate?.recordPost(room, poster);
    const dedupId = keyCheck ? keyedDedupId(room, poster.userId, keyCheck.value) : message.id;
    let stored: unknown;
    try {
      stored = await this.options.store.append(room, message, dedupId);
    } catch (err) {
      this.log.error({ err, room }, 'append failed');
      this.options.limits?.forget(limited);
      return rejected('UNAVAILABLE', 'the message could not be stored; try again');
    }
    if (!isRoomMessage(stored, this.options.kind.type)) throw new Error(`not a ${this.type} under key ${dedupId}`);
    return accepted(stored as M);
  }

  /** Keeps a post for review: HELD_FOR_REVIEW when kept, UNAVAILABLE when it could not be. */
  private async hold(message: M, limited: LimitedPost): Promise<Result<M>> {
    try {
      await this.options.gate?.hold(message);
    } catch (err) {
      this.log.error({ err, room: message.room }, 'hold failed');
      this.options.limits?.forget(limited);
      return rejected('UNAVAILABLE', 'the message could not be kept for review; try again');
    }
    return { ok: false, rejection: HELD_REJECTION };
  }
}
