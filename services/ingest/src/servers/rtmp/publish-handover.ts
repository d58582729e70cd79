import type { Logger } from '@onair/runtime';
import type { PublishHooks } from '../../hooks/publish-hooks.js';
import type { PublishSink } from '../../publish/publish-sink.js';
import type { PublishLease } from './publish-gate.js';

/** What a second publisher with a room's valid key does while the room is live (INGEST_PUBLISH_POLICY). */
export type PublishPolicy = 'replace' | 'reject';

/** The connection publishing a room, as the handover sees it. */
export interface PublishOwner {
  /**
   * The publish is no longer this connection's (taken over by a new publisher, dropped by the pipeline, its live
   * lock lost): forget it without ending it, and close the connection with `reason`.
   */
  release(reason: string): void;
}

/** A room's live publish: its lock and where its media goes. */
export interface HeldPublish {
  readonly lease: PublishLease;
  readonly sink: PublishSink;
}

interface Entry {
  readonly held: HeldPublish;
  readonly log: Logger;
  owner: PublishOwner | undefined;
  grace: NodeJS.Timeout | undefined;
}

/** Options of {@link PublishHandover}. */
export interface PublishHandoverOptions {
  policy: PublishPolicy;
  /** How long a stream waits for a new publisher after its publisher vanished, ms; 0 ends it at once. */
  graceMs: number;
  /** Told when a publish ends (on_unpublish). */
  hooks: PublishHooks;
  log: Logger;
}

/**
 * Keeps each room's live publish on this instance across its publishers, so an encoder that reconnects does not
 * lose its stream. A publisher whose connection ends without unpublishing (a network drop, an idle timeout, a
 * crash) leaves the stream open for the grace period; a publish with the room's key within it continues the same
 * stream (same playlists, media sequence going on after a discontinuity). While the old connection is still up,
 * policy `replace` hands the stream to the new publisher at once and closes the old one; `reject` refuses the new
 * publisher. An explicit unpublish (FCUnpublish, deleteStream) ends the stream at once.
 */
export class PublishHandover {
  private readonly rooms = new Map<string, Entry>();
  private readonly log: Logger;

  constructor(private readonly o: PublishHandoverOptions) {
    this.log = o.log.child({ component: 'publish-handover' });
  }

  /** The room's publish on this instance, if any: its id, and whether its publisher is still connected. */
  current(room: string): { readonly publishId: string; readonly connected: boolean } | undefined {
    const e = this.rooms.get(room);
    return e && { publishId: e.held.lease.publishId, connected: e.owner !== undefined };
  }

  /**
   * The live publish of `room` for a new publisher to continue: one in its grace period, or (policy `replace`)
   * one whose publisher is still connected, which is then released with reason "replaced". The sink is told to
   * reconnect at once; the timeline anchor it gives (once the media before it is written: a transcode's replaced
   * ffmpeg flushes first, within its bound) is written into the live entry before this resolves, so the
   * caller, which takes the new publisher's media only after, cannot publish a part of it before the entry maps
   * its program date-time (the write is bounded by the NATS request timeout; a failed one is left to the refresh).
   * An `owner` whose connection ended meanwhile must hand the publish to {@link PublishHandover.orphan} itself (a
   * publish that ended or went to another publisher meanwhile has released `owner`, which closed it).
   * @returns the publish, continued; "refused" under policy `reject` while the room's publisher is connected;
   *   undefined when the room has no publish here to continue.
   */
  async continueFor(room: string, owner: PublishOwner): Promise<HeldPublish | 'refused' | undefined> {
    const e = this.rooms.get(room);
    if (!e) return undefined;
    if (e.owner && this.o.policy === 'reject') return 'refused';
    const reconnected = e.held.sink.reconnect();
    if (!reconnected) return undefined;
    clearTimeout(e.grace);
    e.grace = undefined;
    const previous = e.owner;
    e.owner = owner;
    previous?.release('replaced');
    const anchor = await reconnected;
    e.log.info({ publishId: e.held.lease.publishId, replaced: previous !== undefined, anchor }, 'publish continued');
    await e.held.lease.continueAt(anchor);
    return e.held;
  }

  /**
   * Registers a new publish of `owner`, which follows it until it ends or is handed over. Its lines carry the room,
   * not a connection: the publish outlives the connection that opened it.
   */
  add(held: HeldPublish, owner: PublishOwner): void {
    const entry: Entry = { held, log: this.log.child({ room: held.lease.room }), owner, grace: undefined };
    this.rooms.set(held.lease.room, entry);
    held.lease.onLost(() => void this.stop(entry, 'live lock lost'));
  }

  /** The pipeline dropped the room's publish (`reason`): its publisher is closed and its lock released. */
  dropped(room: string, reason: string): void {
    const e = this.rooms.get(room);
    if (e) void this.stop(e, reason);
  }

  /** `owner` unpublished: the stream ends now. Resolves once it has. */
  end(room: string, owner: PublishOwner, reason: string): Promise<void> {
    const e = this.rooms.get(room);
    if (e?.owner !== owner) return Promise.resolve();
    return this.finish(e, reason);
  }

  /** `owner`'s connection ended without unpublishing (`reason`): the stream waits the grace period, then ends. */
  orphan(room: string, owner: PublishOwner, reason: string): void {
    const e = this.rooms.get(room);
    if (e?.owner !== owner) return;
    e.owner = undefined;
    if (this.o.graceMs <= 0) {
      void this.finish(e, reason);
      return;
    }
    e.log.info({ reason, graceMs: this.o.graceMs }, 'publisher gone; waiting for it to reconnect');
    e.grace = setTimeout(
      () => void this.finish(e, `${reason}; no reconnect within ${this.o.graceMs} ms`),
      this.o.graceMs,
    );
  }

  /**
   * Ends publish `publishId` of `room` now if this instance holds it, whether its publisher is connected (released
   * with `reason`, which closes its connection) or gone and within its grace period (which is cut short). Resolves
   * once it has ended (its live entry deleted).
   * @returns false when this instance holds no such publish.
   */
  async endNow(room: string, publishId: string, reason: string): Promise<boolean> {
    const e = this.rooms.get(room);
    if (e?.held.lease.publishId !== publishId) return false;
    await this.stop(e, reason);
    return true;
  }

  /** Ends every publish here now (shutdown); their publishers are released with reason "server stopping". */
  async close(): Promise<void> {
    this.log.info({ publishes: this.rooms.size }, 'closing');
    await Promise.all([...this.rooms.values()].map((e) => this.stop(e, 'server stopping')));
  }

  /** Ends a publish from outside its publisher: the publisher is released first. */
  private stop(e: Entry, reason: string): Promise<void> {
    const owner = e.owner;
    e.owner = undefined;
    const done = this.finish(e, reason);
    owner?.release(reason);
    return done;
  }

  private async finish(e: Entry, reason: string): Promise<void> {
    const { room, publishId, startedAtMs } = e.held.lease;
    if (this.rooms.get(room) !== e) return;
    this.rooms.delete(room);
    clearTimeout(e.grace);
    this.o.hooks.onUnpublish({ room, publishId, reason, durationMs: Date.now() - startedAtMs });
    try {
      await e.held.sink.end(reason);
    } catch (err) {
      e.log.error({ err }, 'publish end failed');
    }
    await e.held.lease.release();
    e.log.info({ publishId, reason }, 'publish ended');
  }
}
