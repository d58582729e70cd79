/** One segment of a media playlist as {@link vodSegments} reads it. */
export interface VodSegment {
  /** The segment's URI, as listed. */
  readonly uri: string;
  /** Where it starts on the playlist's media timeline (the sum of the EXTINF before it), ms. */
  readonly startMs: number;
  /** EXTINF, ms. */
  readonly durationMs: number;
  /** EXT-X-PROGRAM-DATE-TIME of its first sample, unix epoch ms (RFC 8216 §4.3.2.6). */
  readonly programDateTimeMs: number;
  /** It follows an EXT-X-DISCONTINUITY (RFC 8216 §4.3.2.3). */
  readonly discontinuity: boolean;
}

const PDT = '#EXT-X-PROGRAM-DATE-TIME:';
const durationMsOf = (value: string): number => Math.round(parseFloat(value) * 1000);

/**
 * The EXT-X-PART-INF PART-TARGET of a Low-Latency HLS media playlist (draft-pantos-hls-rfc8216bis §4.4.3.7), ms.
 * @throws Error when the playlist has none.
 */
export function partTargetMs(playlist: string): number {
  const target = /^#EXT-X-PART-INF:PART-TARGET=([\d.]+)/m.exec(playlist)?.[1];
  if (target === undefined) throw new Error(`no EXT-X-PART-INF in the playlist:\n${playlist}`);
  return durationMsOf(target);
}

/**
 * The wall clock at the start of the newest EXT-X-PART of a live media playlist, unix epoch ms: its segment's
 * EXT-X-PROGRAM-DATE-TIME plus the durations of the parts before it in that segment. It is what hls.js's
 * `playingDate` gives a player at that part.
 * @throws Error when the playlist lists no part after a program date-time.
 */
export function newestPartStartMs(playlist: string): number {
  let segmentStartMs: number | undefined;
  let offsetMs = 0;
  let newest: number | undefined;
  for (const line of playlist.split('\n')) {
    if (line.startsWith(PDT)) {
      segmentStartMs = Date.parse(line.slice(PDT.length));
      offsetMs = 0;
    } else if (line.startsWith('#EXT-X-PART:') && segmentStartMs !== undefined) {
      newest = segmentStartMs + offsetMs;
      offsetMs += durationMsOf(/DURATION=([\d.]+)/.exec(line)?.[1] ?? '0');
    }
  }
  if (newest === undefined) throw new Error(`no EXT-X-PART in the playlist:\n${playlist}`);
  return newest;
}

/**
 * The segments of a media playlist (tags before each URI: EXT-X-DISCONTINUITY, EXT-X-PROGRAM-DATE-TIME, EXTINF),
 * on the timeline a player plays them on: one after the other, whatever their program date-times.
 * @throws Error when a segment has no EXT-X-PROGRAM-DATE-TIME.
 */
export function vodSegments(playlist: string): VodSegment[] {
  const segments: VodSegment[] = [];
  let startMs = 0;
  let pending: { durationMs?: number; programDateTimeMs?: number; discontinuity: boolean } = { discontinuity: false };
  for (const line of playlist.split('\n')) {
    if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (line.startsWith(PDT)) pending.programDateTimeMs = Date.parse(line.slice(PDT.length));
    else if (line.startsWith('#EXTINF:')) pending.durationMs = durationMsOf(line.slice('#EXTINF:'.length));
    else if (line !== '' && !line.startsWith('#') && pending.durationMs !== undefined) {
      if (pending.programDateTimeMs === undefined) throw new Error(`no EXT-X-PROGRAM-DATE-TIME for ${line}`);
      const { durationMs, programDateTimeMs, discontinuity } = pending;
      segments.push({ uri: line, startMs, durationMs, programDateTimeMs, discontinuity });
      startMs += durationMs;
      pending = { discontinuity: false };
    }
  }
  return segments;
}

/**
 * Where a player of `segments` shows the moment a live viewer saw at wall clock `wallClockMs` (their `playingDate`),
 * ms on the playlist's media timeline: the segment whose program date-time range holds it, plus the offset in it.
 * Undefined when no segment holds it (a moment lost in a gap or before the recording).
 */
export function mediaTimeAt(segments: readonly VodSegment[], wallClockMs: number): number | undefined {
  const s = segments.find(
    (seg) => wallClockMs >= seg.programDateTimeMs && wallClockMs < seg.programDateTimeMs + seg.durationMs,
  );
  return s && s.startMs + (wallClockMs - s.programDateTimeMs);
}
