import { appendAnchor, decodeLiveEntry, encodeLiveEntry, type LiveEntry, type TimelineAnchor } from '@onair/contracts';
import type { KV } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { PublishLease } from '../servers/rtmp/publish-gate.js';

/** Options of {@link LiveLease.acquire}. */
export interface LeaseOptions {
  kv: KV;
  room: string;
  /** The publish taking the lock (a UUID). */
  publishId: string;
  /** Re-put interval, ms; well under the bucket's max age so the entry never expires while live. */
  refreshMs: number;
  log: Logger;
  /** When another publish holds the room, overwrite its entry instead of giving up. @default false */
  takeOver?: boolean;
  /** This instance's MediaService address written into the entry ({@link LiveEntry.grpcAddress}); absent: none. */
  grpcAddress?: string | undefined;
  /**
   * The room's record setting as the publish starts, written into the entry ({@link LiveEntry.record}) for the origin
   * relays; it stays for the whole publish, refreshes included. @default false
   */
  record?: boolean;
}

/**
 * A room's live lock: the room's key in the "live" bucket, created with KV `create` (which fails when the key
 * exists, so at most one publisher per room across all ingest instances) and re-put every `refreshMs` with
 * `update` at the last revision. The bucket's max age expires the entry of an instance that died, so a stale
 * entry frees the room within one max age. A refresh and the release never overlap: release waits for the refresh
 * in flight, so it deletes at the revision that refresh wrote. A reconnect's timeline anchor ({@link
 * LiveLease.continueAt}) is put at once, not at the next refresh.
 */
export class LiveLease implements PublishLease {
  private readonly lostCallbacks: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;
  /** The refresh in flight, if any. */
  private refreshing: Promise<void> | undefined;
  private done = false;

  private constructor(
    private readonly options: LeaseOptions,
    private entry: LiveEntry,
    private revision: number,
  ) {
    this.timer = setInterval(() => void this.refresh(), options.refreshMs);
    this.timer.unref();
  }

  get room(): string {
    return this.options.room;
  }

  get publishId(): string {
    return this.entry.publishId;
  }

  get startedAtMs(): number {
    return this.entry.startedAtMs;
  }

  /**
   * Takes the room's live lock; undefined when another publish holds it, unless `takeOver` puts this publish's
   * entry over it: the holder's next refresh finds another publishId and gives the room up (see `put`).
   * @throws when NATS cannot be reached.
   */
  static async acquire(options: LeaseOptions): Promise<LiveLease | undefined> {
    const entry: LiveEntry = {
      publishId: options.publishId,
      startedAtMs: Date.now(),
      grpcAddress: options.grpcAddress,
      record: options.record === true,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const revision = await options.kv.create(options.room, encodeLiveEntry(entry));
        return new LiveLease(options, entry, revision);
      } catch (err) {
        const current = await options.kv.get(options.room);
        // The holder let go between the create and the read (a delete marker): create again, a few times at most.
        if (current?.operation !== 'PUT') {
          if (attempt < 3) continue;
          throw err;
        }
        if (!options.takeOver) return undefined;
        const revision = await options.kv.put(options.room, encodeLiveEntry(entry));
        options.log.warn(
          { previous: decodeLiveEntry(current.string())?.publishId },
          'room taken over from another publish',
        );
        return new LiveLease(options, entry, revision);
      }
    }
  }

  onLost(cb: () => void): void {
    this.lostCallbacks.push(cb);
  }

  /**
   * Adds a reconnect's timeline anchor to the entry (keeping the last MAX_TIMELINE_ANCHORS) and re-puts it now,
   * after any refresh in flight (which carries the entry without it). Resolves once put; a failed put is logged and
   * the next refresh carries the anchor. After {@link LiveLease.release} it does nothing.
   */
  async continueAt(anchor: TimelineAnchor): Promise<void> {
    this.entry = { ...this.entry, anchors: appendAnchor(this.entry.anchors, anchor) };
    await this.refreshing;
    await this.refresh();
  }

  /** Stops refreshing and deletes the entry, once any refresh in flight has settled (its revision is the last). */
  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    clearInterval(this.timer);
    await this.refreshing;
    try {
      await this.options.kv.delete(this.room, { previousSeq: this.revision });
    } catch (err) {
      this.options.log.warn({ err }, 'live entry not deleted; it expires on its own');
    }
  }

  /**
   * Re-puts the entry now (the interval calls it every `refreshMs`); a call while one is in flight joins it, and
   * after {@link LiveLease.release} it does nothing. Failures are logged and retried at the next interval.
   */
  refresh(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.refreshing ??= this.put().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async put(): Promise<void> {
    const { kv, room, log } = this.options;
    const value = encodeLiveEntry(this.entry);
    try {
      this.revision = await kv.update(room, value, this.revision);
    } catch (err) {
      try {
        const current = await kv.get(room);
        if (!current || current.operation !== 'PUT') {
          if (this.done) return; // released meanwhile: the entry must not come back
          this.revision = await kv.create(room, value);
          log.warn({ err }, 'live entry had expired and was re-created');
        } else if (decodeLiveEntry(current.string())?.publishId === this.entry.publishId) {
          this.revision = await kv.update(room, value, current.revision);
        } else {
          this.lose();
        }
      } catch (retryErr) {
        log.warn({ err: retryErr }, 'live entry refresh failed; retrying');
      }
    }
  }

  private lose(): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.timer);
    this.options.log.error({ room: this.room }, 'live lock lost to another publish');
    for (const cb of this.lostCallbacks) cb();
  }
}
