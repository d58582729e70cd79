import { z } from 'zod';

/**
 * The NATS JetStream KV bucket of live rooms: one key per live room (the room id), its value a
 * {@link LiveEntry} as JSON. ingest creates it (history 1, a max age that frees the room of a crashed instance)
 * and writes it; danmaku reads it for stream times.
 */
export const LIVE_BUCKET = 'live';

/** The value under a live room's key: which publish of the room is live, and since when. */
export interface LiveEntry {
  /** Unique per publish (a UUID). */
  readonly publishId: string;
  /** When the publish started, unix epoch ms. */
  readonly startedAtMs: number;
}

/** Zod schema of a {@link LiveEntry}. */
export const liveEntrySchema = z.object({
  publishId: z.string().min(1),
  startedAtMs: z.number().int().nonnegative(),
});

/** The bucket value of a publish: its JSON text. */
export function encodeLiveEntry(publish: LiveEntry): string {
  return JSON.stringify({ publishId: publish.publishId, startedAtMs: publish.startedAtMs });
}

/** Reads a bucket value; undefined when it is not JSON or not a {@link LiveEntry}. */
export function decodeLiveEntry(value: string): LiveEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = liveEntrySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
