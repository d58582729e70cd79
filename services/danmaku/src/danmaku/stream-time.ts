import { streamTimeAt, type LiveEntry } from '@onair/contracts';

/** How far ahead of the server clock a poster's playhead may be and still count as plausible (clock skew), ms. */
export const PLAYHEAD_MAX_AHEAD_MS = 1000;

/** Bounds of {@link streamTimeOf}. */
export interface StreamTimeRule {
  /** Oldest plausible playhead: this far behind the server clock, ms (DANMAKU_PLAYHEAD_MAX_BEHIND_MS). */
  readonly playheadMaxBehindMs: number;
  /** Latency assumed for a post without a plausible playhead: the live edge minus this, ms (DANMAKU_TYPICAL_LATENCY_MS). */
  readonly typicalLatencyMs: number;
}

/** Where on its publish's stream timeline (a recording's) a danmaku goes. */
export interface DanmakuPlacement {
  /** The room's publish the danmaku was posted in; absent when the room was not live. */
  readonly publishId?: string;
  /**
   * ms on the publish's stream timeline, the media time of a recording of it (never negative); -1 when the room was
   * not live.
   */
  readonly streamTimeMs: number;
}

/**
 * The stream time of a danmaku posted at wall-clock `nowMs` during `publish` (undefined: not live, -1).
 * `playheadMs` is the poster's playhead as wall-clock unix epoch ms: the EXT-X-PROGRAM-DATE-TIME of the moment
 * shown (RFC 8216 §4.3.2.6; hls.js `playingDate`), which ingest stamps as the publish's `startedAtMs` plus the
 * media time, jumping forward at each reconnect of its publisher. It is taken when plausible, between
 * `nowMs - playheadMaxBehindMs` and `nowMs +` {@link PLAYHEAD_MAX_AHEAD_MS}; otherwise (absent, or out of bounds)
 * the moment shown is estimated as `nowMs - typicalLatencyMs`. Either is mapped to the gapless timeline of a
 * recording through the entry's timeline anchors (`streamTimeAt` of @onair/contracts: `playheadMs - startedAtMs`
 * until the first reconnect), floored at 0.
 */
export function streamTimeOf(
  publish: LiveEntry | undefined,
  nowMs: number,
  playheadMs: number | undefined,
  rule: StreamTimeRule,
): DanmakuPlacement {
  if (!publish) return { streamTimeMs: -1 };
  const plausible =
    playheadMs !== undefined &&
    playheadMs >= nowMs - rule.playheadMaxBehindMs &&
    playheadMs <= nowMs + PLAYHEAD_MAX_AHEAD_MS;
  const shown = plausible ? playheadMs : nowMs - rule.typicalLatencyMs;
  return { publishId: publish.publishId, streamTimeMs: streamTimeAt(publish, shown) };
}
