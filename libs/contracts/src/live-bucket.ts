import { z } from 'zod';
import { MAX_TIMELINE_ANCHORS, type TimelineAnchor } from './stream-timeline.js';

/**
 * The NATS JetStream KV bucket of live rooms: one key per live room (the room id), its value a
 * {@link LiveEntry} as JSON. ingest creates it (history 1, a max age that frees the room of a crashed instance)
 * and writes it; danmaku reads it for stream times; an origin relay with RELAY_NATS_URL watches it to follow each
 * room from the ingest instance that holds it.
 */
export const LIVE_BUCKET = 'live';

/**
 * The value under a live room's key: which publish of the room is live, since when, which ingest holds it, and how
 * its live timeline maps to its recording's after reconnects.
 */
export interface LiveEntry {
  /** Unique per publish (a UUID). */
  readonly publishId: string;
  /** When the publish started, unix epoch ms. */
  readonly startedAtMs: number;
  /**
   * Where other services reach the MediaService of the ingest instance holding the publish, "host:port"
   * (INGEST_GRPC_ADVERTISE_ADDRESS); absent in entries written before ingest advertised it.
   */
  readonly grpcAddress?: string | undefined;
  /**
   * True when the room was set to be recorded as the publish started: the origin relay then records every rendition
   * of this publish (a change of the room's setting applies from its next publish); absent means false.
   */
  readonly record?: boolean | undefined;
  /**
   * Where the stream timeline (the recording's) stands after each reconnect of the publish's publisher, oldest
   * first, the last {@link MAX_TIMELINE_ANCHORS}; absent (entries written before ingest wrote anchors, a publish
   * never continued) means none: stream time is then the wall clock since `startedAtMs`. See streamTimeAt.
   */
  readonly anchors?: readonly TimelineAnchor[] | undefined;
}

/** "host:port" or "[v6]:port", as a gRPC target names one address. */
const GRPC_ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** Zod schema of a {@link LiveEntry}. */
export const liveEntrySchema = z.object({
  publishId: z.string().min(1),
  startedAtMs: z.number().int().nonnegative(),
  grpcAddress: z.string().regex(GRPC_ADDRESS).optional(),
  record: z.boolean().optional(),
  anchors: z
    .array(z.object({ atMs: z.number().int().nonnegative(), streamTimeMs: z.number().int().nonnegative() }))
    .max(MAX_TIMELINE_ANCHORS)
    .refine(
      (anchors) =>
        anchors.every(
          (a, i) => i === 0 || (a.atMs >= anchors[i - 1]!.atMs && a.streamTimeMs >= anchors[i - 1]!.streamTimeMs),
        ),
      'anchors must be in order of atMs and streamTimeMs',
    )
    .optional(),
});

/**
 * The bucket value of a publish: its JSON text (no `grpcAddress` key when it has none, no `record` key unless true,
 * no `anchors` key when there are none; anchors as `{atMs, streamTimeMs}` only).
 */
export function encodeLiveEntry(publish: LiveEntry): string {
  const { publishId, startedAtMs, grpcAddress, record, anchors } = publish;
  return JSON.stringify({
    publishId,
    startedAtMs,
    ...(grpcAddress ? { grpcAddress } : {}),
    ...(record === true ? { record } : {}),
    ...(anchors?.length ? { anchors: anchors.map(({ atMs, streamTimeMs }) => ({ atMs, streamTimeMs })) } : {}),
  });
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
