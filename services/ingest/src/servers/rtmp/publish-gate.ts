import type { TimelineAnchor } from '@onair/contracts';
import type { Logger } from '@onair/runtime';
import type { Publish } from '../../publish/publish-sink.js';

/** An accepted publish holding its room's live lock until released. */
export interface PublishLease extends Publish {
  /** Calls `cb` once if the lock is lost while live (another publish took the room, here or elsewhere). */
  onLost(cb: () => void): void;
  /**
   * A new publisher continues the publish: `anchor` (where the stream timeline stands at its media) joins the lock's
   * entry, which is written at once. Resolves once written, or once the write failed (logged; the next refresh
   * writes it); never rejects.
   */
  continueAt(anchor: TimelineAnchor): Promise<void>;
  /** Releases the lock; never rejects (failures are logged, the lock then expires on its own). */
  release(): Promise<void>;
}

/**
 * Why a publish was refused: the stream key matches no room, the room already has a publisher (policy reject),
 * or the on_publish hook said no.
 */
export type RefusalReason = 'bad_stream_key' | 'room_live' | 'hook_refused';

/** What a stream key opens. */
export type KeyCheck =
  | { readonly ok: true; readonly room: string }
  | { readonly ok: false; readonly reason: 'bad_stream_key'; readonly description: string };

/** Decides whether a stream key may publish; the RTMP server's only view of rooms. */
export interface PublishGate {
  /**
   * Checks `streamKey` against the rooms' stored key hashes.
   * @throws when the room store cannot be reached (the publish then fails with an error status).
   */
  verify(streamKey: string): Promise<KeyCheck>;
  /**
   * Takes the room's live lock for a new publish `publishId`. When another instance holds it, `takeOver` overwrites
   * its lock (that instance notices at its next refresh and closes its publisher); otherwise the answer is
   * undefined.
   * @throws when NATS cannot be reached.
   */
  acquire(room: string, publishId: string, log: Logger, takeOver: boolean): Promise<PublishLease | undefined>;
}
