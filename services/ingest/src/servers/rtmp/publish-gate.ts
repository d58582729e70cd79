import type { Logger } from '@onair/runtime';
import type { Publish } from '../../publish/publish-sink.js';

/** An accepted publish holding its room's live lock until released. */
export interface PublishLease extends Publish {
  /** Calls `cb` once if the lock is lost while live (it expired and another publisher took the room). */
  onLost(cb: () => void): void;
  /** Releases the lock; never rejects (failures are logged, the lock then expires on its own). */
  release(): Promise<void>;
}

/** Why a publish was refused: the stream key matches no room, or the room already has a publisher. */
export type RefusalReason = 'bad_stream_key' | 'room_live';

/** The answer to a publish request. */
export type Admission =
  | { readonly ok: true; readonly lease: PublishLease }
  | { readonly ok: false; readonly reason: RefusalReason; readonly description: string };

/** Decides whether a stream key may publish; the RTMP server's only view of rooms. */
export interface PublishGate {
  /**
   * Checks `streamKey` and takes the room's live lock.
   * @throws when the room store cannot be reached (the publish then fails with an error status).
   */
  admit(streamKey: string, log: Logger): Promise<Admission>;
}
