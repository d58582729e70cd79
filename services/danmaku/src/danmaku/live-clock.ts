import { z } from 'zod';
import type { Logger } from '@onair/runtime';

/** A room's current publish, as ingest writes it to the "live" KV bucket (key = room id). */
export interface LivePublish {
  readonly publishId: string;
  /** When the publish started, unix epoch ms. */
  readonly startedAtMs: number;
}

interface LiveEntry {
  readonly publish: LivePublish;
  /** When the entry was last written (NATS server time), unix epoch ms. */
  readonly updatedAtMs: number;
}

const livePublishSchema = z.object({
  publishId: z.string().min(1),
  startedAtMs: z.number().int().nonnegative(),
});

/**
 * Which rooms are live and since when, from the "live" bucket's entries, so the stream time of a room
 * (DESIGN "stream time": ms since the current publish started) needs no lookup. Ingest re-puts a live
 * room's entry well within the bucket's max age; JetStream expires an entry past its max age without a
 * delete marker (nats-server 2.9), so an entry older than the max age counts as not live here too.
 */
export class LiveClock {
  private readonly entries = new Map<string, LiveEntry>();
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
   */
  apply(room: string, value: string | null, updatedAtMs: number): void {
    if (value === null) {
      this.entries.delete(room);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    const publish = livePublishSchema.safeParse(parsed);
    if (publish.success) this.entries.set(room, { publish: publish.data, updatedAtMs });
    else {
      this.entries.delete(room);
      this.log.warn({ room }, 'unreadable live entry');
    }
  }

  /** The room's current publish at wall-clock `atMs` (ms), if live. */
  publish(room: string, atMs: number): LivePublish | undefined {
    const entry = this.entries.get(room);
    if (!entry || (this.maxAgeMs > 0 && atMs - entry.updatedAtMs > this.maxAgeMs)) return undefined;
    return entry.publish;
  }

  /** ms since the room's current publish started at wall-clock `atMs` (never negative); -1 when the room is not live. */
  streamTimeMs(room: string, atMs: number): number {
    const publish = this.publish(room, atMs);
    return publish ? Math.max(0, atMs - publish.startedAtMs) : -1;
  }
}
