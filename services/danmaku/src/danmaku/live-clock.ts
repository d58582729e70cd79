import { decodeLiveEntry, type LiveEntry } from '@onair/contracts';
import type { Logger } from '@onair/runtime';

/** A live room as the clock keeps it: its bucket entry and when that was written. */
interface ClockEntry {
  readonly publish: LiveEntry;
  /** When the entry was last written (NATS server time), unix epoch ms. */
  readonly updatedAtMs: number;
}

/**
 * Which rooms are live, since when and with which timeline anchors, from the "live" bucket's entries, so the
 * publish and stream time of a danmaku (see streamTimeOf) need no lookup. Ingest re-puts a live
 * room's entry well within the bucket's max age; JetStream expires an entry past its max age without a
 * delete marker (nats-server 2.9), so an entry older than the max age counts as not live here too.
 */
export class LiveClock {
  private readonly entries = new Map<string, ClockEntry>();
  private maxAgeMs = 0;

  constructor(private readonly log: Logger) {}

  /** Forgets every entry and sets the bucket's max age, ms (0: entries never expire). */
  reset(maxAgeMs: number): void {
    this.entries.clear();
    this.maxAgeMs = maxAgeMs;
  }

  /**
   * Applies one bucket entry: its JSON value, or null when the key was deleted or purged. An unreadable
   * value counts as not live.
   * @param updatedAtMs when the entry was written, unix epoch ms
   * @returns the publish the entry names; undefined when the room is not live
   */
  apply(room: string, value: string | null, updatedAtMs: number): LiveEntry | undefined {
    if (value === null) {
      this.entries.delete(room);
      return undefined;
    }
    const publish = decodeLiveEntry(value);
    if (publish) this.entries.set(room, { publish, updatedAtMs });
    else {
      this.entries.delete(room);
      this.log.warn({ room }, 'unreadable live entry');
    }
    return publish;
  }

  /** The room's current publish at wall-clock `atMs` (ms), if live. */
  publish(room: string, atMs: number): LiveEntry | undefined {
    const entry = this.entries.get(room);
    if (!entry || (this.maxAgeMs > 0 && atMs - entry.updatedAtMs > this.maxAgeMs)) return undefined;
    return entry.publish;
  }
}
