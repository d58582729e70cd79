import type { Part, Segment } from '@onair/media';
import { HLS_VERSION } from './master-playlist.js';

/** What a media playlist needs of a part (a {@link Part} of the window fits). */
export type PlaylistPart = Pick<Part, 'partSequence' | 'durationMs' | 'independent'>;

/** What a media playlist needs of a segment (a {@link Segment} of the window fits). */
export type PlaylistSegment = Pick<Segment, 'sequence' | 'discontinuity' | 'programDateTimeMs' | 'durationMs'> & {
  readonly init: { readonly id: string };
  readonly parts: readonly PlaylistPart[];
};

/** The live edge of another rendition of the stream (rfc8216bis §4.4.5.4 EXT-X-RENDITION-REPORT). */
export interface RenditionReport {
  /** Its media playlist, relative to this one, e.g. "../480p/index.m3u8". */
  readonly uri: string;
  /** Media sequence number of its last part (or last segment when it has no parts yet). */
  readonly lastMsn: number;
  /** Part index of its last part within `lastMsn`; undefined when it has no parts. */
  readonly lastPart: number | undefined;
}

/** A Playlist Delta Update request (rfc8216bis §6.2.5.1): `_HLS_skip=YES`, or `v2` (date ranges too). */
export type SkipRequest = 'YES' | 'v2';

/** Input of {@link renderMediaPlaylist}. */
export interface MediaPlaylistInput {
  /** Complete segments of the window, oldest first. */
  readonly segments: readonly PlaylistSegment[];
  /** The segment being written: its parts so far (listed as EXT-X-PART, without EXTINF). */
  readonly current: PlaylistSegment | undefined;
  /** EXT-X-MEDIA-SEQUENCE when there are no segments yet (else the first segment's sequence). */
  readonly mediaSequence: number;
  /** Discontinuities that slid out of the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  readonly discontinuitySequence: number;
  /** EXT-X-TARGETDURATION, s: the window's, which never changes downwards (RFC 8216 §6.2.1). */
  readonly targetDurationS: number;
  /**
   * Part Target Duration, ms (rfc8216bis §4.4.3.7); 0 for a stream without parts: the playlist is then a plain
   * RFC 8216 one, without EXT-X-PART, EXT-X-SERVER-CONTROL or hints.
   */
  readonly partTargetMs: number;
  /** True once the stream ended: the playlist is closed with EXT-X-ENDLIST (RFC 8216 §4.3.3.4). */
  readonly ended: boolean;
  /** The part sequence of the next part, hinted with EXT-X-PRELOAD-HINT while live. */
  readonly nextPartSequence: number | undefined;
  /** The other renditions of the stream. */
  readonly renditionReports: readonly RenditionReport[];
  /** Render a Playlist Delta Update. */
  readonly skip?: SkipRequest | undefined;
}

/** Parts are listed for segments that start at most this many target durations from the end (rfc8216bis §6.2.2). */
export const PART_LISTING_TARGETS = 3;
/** CAN-SKIP-UNTIL in target durations: the Skip Boundary, at least 6 (rfc8216bis §4.4.3.8). */
export const SKIP_BOUNDARY_TARGETS = 6;
/** PART-HOLD-BACK in part target durations: at least 3 is recommended (rfc8216bis §4.4.3.8). */
export const PART_HOLD_BACK_PARTS = 3;
/** EXT-X-VERSION of a Playlist Delta Update: 9 for EXT-X-SKIP, 10 when it skips date ranges (rfc8216bis §8). */
const SKIP_VERSION: Record<SkipRequest, number> = { YES: 9, v2: 10 };

/** A duration in seconds with 3 decimals, the precision EXTINF carries (RFC 8216 §4.3.2.1). */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** EXT-X-PROGRAM-DATE-TIME value: ISO 8601 in UTC with milliseconds (RFC 8216 §4.3.2.6). */
export function programDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The init segment's URI relative to the media playlist: named by its content, so it never changes meaning. */
export function initUri(initId: string): string {
  return `init-${initId}.mp4`;
}

/** A segment's URI relative to the media playlist. */
export function segmentUri(sequence: number): string {
  return `seg-${sequence}.m4s`;
}

/** A part's URI relative to the media playlist: named by its part sequence, so the next one is known in advance. */
export function partUri(partSequence: number): string {
  return `part-${partSequence}.m4s`;
}

function partLine(p: PlaylistPart): string {
  const independent = p.independent ? ',INDEPENDENT=YES' : '';
  return `#EXT-X-PART:DURATION=${seconds(p.durationMs)},URI="${partUri(p.partSequence)}"${independent}`;
}

function reportLine(r: RenditionReport): string {
  const part = r.lastPart === undefined ? '' : `,LAST-PART=${r.lastPart}`;
  return `#EXT-X-RENDITION-REPORT:URI="${r.uri}",LAST-MSN=${r.lastMsn}${part}`;
}

/**
 * How many leading segments a Delta Update skips: those that start further than the Skip Boundary from the end of
 * the last complete segment (rfc8216bis §6.2.5.1).
 */
function skippedCount(segments: readonly PlaylistSegment[], boundaryMs: number): number {
  let fromEnd = 0;
  let kept = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    fromEnd += segments[i]?.durationMs ?? 0;
    if (fromEnd > boundaryMs) break;
    kept++;
  }
  return segments.length - kept;
}

/**
 * Renders an fMP4 media playlist (RFC 8216 §4.3.2, §4.3.3), with the Low-Latency HLS tags of
 * draft-pantos-hls-rfc8216bis when the stream has parts: EXT-X-SERVER-CONTROL (CAN-BLOCK-RELOAD, PART-HOLD-BACK
 * = 3 part targets, CAN-SKIP-UNTIL = 6 target durations), EXT-X-PART-INF, EXT-X-PART for the segments that start
 * within the last 3 target durations and for the segment in progress (§4.4.4.9, §6.2.2), one EXT-X-PRELOAD-HINT
 * for the next part (§4.4.5.3) and an EXT-X-RENDITION-REPORT per other rendition (§4.4.5.4). EXT-X-MAP stands
 * before the first segment and wherever the init segment changes (§4.3.2.5), EXT-X-DISCONTINUITY before
 * segments that follow one (§4.3.2.3), EXT-X-PROGRAM-DATE-TIME on every segment, and EXT-X-ENDLIST once the
 * stream ended (then no hint and no reports). A Delta Update (`skip`) replaces the segments beyond the Skip Boundary with
 * EXT-X-SKIP (§4.4.5.2) and states EXT-X-MAP again before the first segment it lists.
 */
export function renderMediaPlaylist(input: MediaPlaylistInput): string {
  const { segments, current, targetDurationS, partTargetMs, ended } = input;
  const lowLatency = partTargetMs > 0;
  const skip = lowLatency && !ended ? input.skip : undefined;
  const skipped = skip ? skippedCount(segments, SKIP_BOUNDARY_TARGETS * targetDurationS * 1000) : 0;
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${skip ? SKIP_VERSION[skip] : HLS_VERSION}`];
  lines.push(`#EXT-X-TARGETDURATION:${targetDurationS}`);
  if (lowLatency) {
    const holdBack = seconds(PART_HOLD_BACK_PARTS * partTargetMs);
    const skipUntil = (SKIP_BOUNDARY_TARGETS * targetDurationS).toFixed(3);
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${skipUntil},CAN-SKIP-DATERANGES=YES,PART-HOLD-BACK=${holdBack}`,
      `#EXT-X-PART-INF:PART-TARGET=${seconds(partTargetMs)}`,
    );
  }
  lines.push(
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? current?.sequence ?? input.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${input.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  );
  if (skip) {
    const removed = skip === 'v2' ? ',RECENTLY-REMOVED-DATERANGES=""' : '';
    lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}${removed}`);
  }

  const all = current && lowLatency ? [...segments, current] : segments;
  const totalMs = all.reduce((sum, s) => sum + s.durationMs, 0);
  const partsFromMs = totalMs - PART_LISTING_TARGETS * targetDurationS * 1000;
  let initId: string | undefined;
  let startMs = 0;
  all.forEach((s, i) => {
    const segmentStartMs = startMs;
    startMs += s.durationMs;
    if (i < skipped) return;
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (s.init.id !== initId) {
      initId = s.init.id;
      lines.push(`#EXT-X-MAP:URI="${initUri(initId)}"`);
    }
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${programDateTime(s.programDateTimeMs)}`);
    const isCurrent = s === current;
    if (lowLatency && (isCurrent || segmentStartMs >= partsFromMs)) for (const p of s.parts) lines.push(partLine(p));
    if (!isCurrent) lines.push(`#EXTINF:${seconds(s.durationMs)},`, segmentUri(s.sequence));
  });
  if (ended) lines.push('#EXT-X-ENDLIST');
  else if (lowLatency && input.nextPartSequence !== undefined) {
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partUri(input.nextPartSequence)}"`);
  }
  if (lowLatency && !ended) for (const r of input.renditionReports) lines.push(reportLine(r));
  return `${lines.join('\n')}\n`;
}
