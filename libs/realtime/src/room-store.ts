import type { RoomMessage } from './frames.js';

/** Where a room's messages are kept; {@link RoomLog} is the JetStream one. */
export interface MessageStore {
  /**
   * Stores `message` under `dedupId` unless a message was stored under that id within the duplicate
   * window; resolves, once captured, to the stored message with its `seq`: `message`, or the earlier one.
   */
  append(room: string, message: RoomMessage, dedupId: string): Promise<unknown>;
  /** The room's last `limit` messages (events left out), oldest first, as stored (parsed JSON) with their `seq`. */
  recent(room: string, limit: number): Promise<unknown[]>;
}

/** What {@link RoomLog.since} read. */
export interface RecoveredFrames {
  /** The room's frames (messages and events) stored after `afterSeq`, oldest first: JSON texts with `"seq"`. */
  readonly frames: string[];
  /**
   * False when the streams' limits may have dropped frames of the room stored after `afterSeq` before they were
   * read (so `frames` may have a gap at its start). Frames taken out on purpose (remove, purge) do not count:
   * their `deleted` / `cleared` events say so.
   */
  readonly complete: boolean;
  /** True when the read stopped at `max` with more frames stored; `since(room, lastSeq)` reads on. */
  readonly truncated: boolean;
  /**
   * Where the reader is: the `seq` of the last frame read, or `afterSeq` when there was none (the stream's last
   * sequence when `afterSeq` is beyond it: the client's seq is from an earlier stream, and live frames follow).
   */
  readonly lastSeq: number;
}
