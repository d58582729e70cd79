import { DuplicateWindow } from './duplicate-window.js';
import type { Poster } from './identity.js';
import { KeyedBuckets, type BucketRate } from './keyed-buckets.js';
import { isModerator } from './moderation/poster-rank.js';
import type { Rejection } from './result.js';
import { monotonicClock, type Clock } from './token-bucket.js';

/** Options of {@link PostLimits}. */
export interface PostLimitsOptions {
  /** Posts per second one user may make on this instance, over all its sockets and gRPC posts; 0: no limit. */
  readonly userRatePerSec: number;
  /** Posts one user may make at once. */
  readonly userBurst: number;
  /** Posts per second a room takes on this instance, `room`'s own setting or the instance's; 0: no limit. */
  roomRatePerSec(room: string): number;
  /** Posts a room takes at once. */
  readonly roomBurst: number;
  /** The same text from the same user within this is refused (DUPLICATE), ms; 0: never. */
  readonly duplicateWindowMs: number;
  /** Clock, ms. @default monotonicClock */
  readonly now?: Clock;
  /** Idle buckets and old texts are dropped at most this often, at a post, ms. @default 10000 */
  readonly sweepEveryMs?: number;
}

/** What {@link PostLimits.check} is asked about: one post that the room's rules let through. */
export interface LimitedPost {
  readonly room: string;
  readonly poster: Poster;
  readonly text: string;
  /** The post's idempotency key: its resend is not a duplicate. */
  readonly key?: string | undefined;
}

/**
 * The post limits of one instance beyond each connection's own (RateLimiter): a token bucket per user (keyed by the
 * token's user id, a guest's by its guest id), one per room, and the texts each user posted lately (the same text
 * again within `duplicateWindowMs` is a flood). Moderators, broadcasters and admins are exempt from all three (they
 * moderate floods); a service posting as itself over gRPC (no user named) is held to the room's limit only. Memory
 * is bounded: full buckets and texts past the window are dropped every `sweepEveryMs`.
 */
export class PostLimits {
  private readonly users: KeyedBuckets;
  private readonly rooms: KeyedBuckets;
  private readonly recent: DuplicateWindow | undefined;
  private readonly now: Clock;
  private lastSweepMs: number;

  constructor(private readonly options: PostLimitsOptions) {
    this.now = options.now ?? monotonicClock;
    this.users = new KeyedBuckets(this.now);
    this.rooms = new KeyedBuckets(this.now);
    this.recent = options.duplicateWindowMs > 0 ? new DuplicateWindow(options.duplicateWindowMs, this.now) : undefined;
    this.lastSweepMs = this.now();
  }

  /** Users, rooms and texts held in memory (for tests of its bound). */
  get held(): { users: number; rooms: number; texts: number } {
    return { users: this.users.size, rooms: this.rooms.size, texts: this.recent?.size ?? 0 };
  }

  /**
   * Whether `post` may go on now: undefined (and the post counted against its user and room, its text remembered),
   * or the first refusal of DUPLICATE, RATE_LIMITED scope `user`, RATE_LIMITED scope `room`, each with
   * `retryAfterMs`. A refused post counts against nothing, nor does the resend of a post let through under the same
   * `key`. Synchronous, so a connection's posts keep their order.
   */
  check({ room, poster, text, key }: LimitedPost): Rejection | undefined {
    this.sweepWhenDue();
    if (isModerator(poster)) return undefined;
    const perUser = !poster.service;
    // A resend under the key of a post let through moments ago is that post (the store keeps it once): not counted.
    if (perUser && key !== undefined && this.recent?.isResend(poster.userId, text, key)) return undefined;
    const userRate = this.userRate();
    const roomRate = this.roomRate(room);
    const duplicateMs = perUser ? (this.recent?.waitMs(poster.userId, text, key) ?? 0) : 0;
    if (duplicateMs > 0)
      return {
        code: 'DUPLICATE',
        message: `you sent the same text moments ago; it may be sent again in ${duplicateMs} ms`,
        retryAfterMs: duplicateMs,
      };
    const userMs = perUser && userRate ? this.users.waitMs(poster.userId, userRate) : 0;
    if (userMs > 0)
      return {
        code: 'RATE_LIMITED',
        message: `you are posting too fast; retry in ${userMs} ms`,
        scope: 'user',
        retryAfterMs: userMs,
      };
    const roomMs = roomRate ? this.rooms.waitMs(room, roomRate) : 0;
    if (roomMs > 0)
      return {
        code: 'RATE_LIMITED',
        message: `the room takes no more posts right now; retry in ${roomMs} ms`,
        scope: 'room',
        retryAfterMs: roomMs,
      };
    if (perUser && userRate) this.users.take(poster.userId, userRate);
    if (roomRate) this.rooms.take(room, roomRate);
    if (perUser) this.recent?.record(poster.userId, text, key);
    return undefined;
  }

  /** Forgets `post`'s text (it was not stored after all), so that resending it is no duplicate. */
  forget({ poster, text }: LimitedPost): void {
    this.recent?.forget(poster.userId, text);
  }

  private userRate(): BucketRate | undefined {
    const { userRatePerSec, userBurst } = this.options;
    return userRatePerSec > 0 ? { ratePerSec: userRatePerSec, burst: userBurst } : undefined;
  }

  private roomRate(room: string): BucketRate | undefined {
    const ratePerSec = this.options.roomRatePerSec(room);
    return ratePerSec > 0 ? { ratePerSec, burst: this.options.roomBurst } : undefined;
  }

  private sweepWhenDue(): void {
    const nowMs = this.now();
    if (nowMs - this.lastSweepMs < (this.options.sweepEveryMs ?? 10_000)) return;
    this.lastSweepMs = nowMs;
    this.users.sweep();
    this.rooms.sweep();
    this.recent?.sweep();
  }
}
