import type { LiveEntry } from './live-bucket.js';

/**
 * Where a publish's stream timeline stands at one wall-clock moment. Stream time is the timeline a recording of the
 * publish plays on: its source rendition's media, gapless, from 0 at the publish's first part (the sum of the
 * EXTINF before a moment of the VOD, RFC 8216 §4.3.2.1). The live playlists stamp the same media with its wall
 * clock (EXT-X-PROGRAM-DATE-TIME, §4.3.2.6), which jumps forward at a publisher's reconnect by the time the
 * reconnect took while the recording goes straight on; an anchor ties the two together after each such jump.
 */
export interface TimelineAnchor {
  /** The EXT-X-PROGRAM-DATE-TIME at which the media after the jump starts, unix epoch ms. */
  readonly atMs: number;
  /** The stream time of that media: how much media the recording holds before it, ms. */
  readonly streamTimeMs: number;
}

/**
 * How many anchors a live entry keeps: the last ones (one per reconnect). Only plausible playheads (tens of seconds
 * old) are mapped, so an older anchor matters only to a publish reconnected this many times within that span.
 */
export const MAX_TIMELINE_ANCHORS = 16;

/** The anchors of `entry` with the implicit first one: `{ atMs: startedAtMs, streamTimeMs: 0 }`. */
function anchorsOf(entry: LiveEntry): readonly TimelineAnchor[] {
  return [{ atMs: entry.startedAtMs, streamTimeMs: 0 }, ...(entry.anchors ?? [])];
}

/**
 * The stream time shown at wall-clock `wallClockMs` (a player's playhead as EXT-X-PROGRAM-DATE-TIME, unix epoch
 * ms) during the live publish `entry`, ms: through the last anchor at or before it, `anchor.streamTimeMs +
 * (wallClockMs - anchor.atMs)`, but never past the next anchor's stream time (a moment in the gap of a reconnect,
 * which no media shows, maps to where the media after it starts). Floored at 0 (a moment before the publish).
 */
export function streamTimeAt(entry: LiveEntry, wallClockMs: number): number {
  const anchors = anchorsOf(entry);
  let i = 0;
  while (i + 1 < anchors.length && anchors[i + 1]!.atMs <= wallClockMs) i++;
  const anchor = anchors[i]!;
  const next = anchors[i + 1];
  const streamTimeMs = anchor.streamTimeMs + (wallClockMs - anchor.atMs);
  return Math.max(0, next ? Math.min(streamTimeMs, next.streamTimeMs) : streamTimeMs);
}

/**
 * The wall clock (EXT-X-PROGRAM-DATE-TIME, unix epoch ms) at which the live publish `entry` shows stream time
 * `streamTimeMs` (ms): the inverse of {@link streamTimeAt}, through the last anchor whose stream time is at or
 * before it, so `streamTimeAt(entry, wallClockAt(entry, t)) === t` for every `t >= 0`.
 */
export function wallClockAt(entry: LiveEntry, streamTimeMs: number): number {
  const anchors = anchorsOf(entry);
  let i = 0;
  while (i + 1 < anchors.length && anchors[i + 1]!.streamTimeMs <= streamTimeMs) i++;
  const anchor = anchors[i]!;
  return anchor.atMs + (streamTimeMs - anchor.streamTimeMs);
}

/** `anchors` with `anchor` appended, keeping the last {@link MAX_TIMELINE_ANCHORS}. */
export function appendAnchor(
  anchors: readonly TimelineAnchor[] | undefined,
  anchor: TimelineAnchor,
): readonly TimelineAnchor[] {
  return [...(anchors ?? []), anchor].slice(-MAX_TIMELINE_ANCHORS);
}
