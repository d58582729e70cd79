import type { Segment } from '@onair/media';
import { HLS_VERSION } from './master-playlist.js';

/** What a media playlist needs of a segment (a {@link Segment} of the window fits). */
export type PlaylistSegment = Pick<Segment, 'sequence' | 'discontinuity' | 'programDateTimeMs' | 'durationMs'> & {
  readonly init: { readonly id: string };
};

/** Input of {@link renderMediaPlaylist}. */
export interface MediaPlaylistInput {
  /** Complete segments of the window, oldest first. */
  readonly segments: readonly PlaylistSegment[];
  /** EXT-X-MEDIA-SEQUENCE when there are no segments yet (else the first segment's sequence). */
  readonly mediaSequence: number;
  /** Discontinuities that slid out of the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  readonly discontinuitySequence: number;
  /** EXT-X-TARGETDURATION, s: the window's, which never changes downwards (RFC 8216 §6.2.1). */
  readonly targetDurationS: number;
  /** True once the stream ended: the playlist is closed with EXT-X-ENDLIST. */
  readonly ended: boolean;
}

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

/**
 * Renders an fMP4 media playlist (RFC 8216 §4.3.2, §4.3.3): EXT-X-MAP before the first segment and again
 * wherever the init segment changes (§4.3.2.5), EXT-X-DISCONTINUITY before segments that follow one
 * (§4.3.2.3), EXT-X-PROGRAM-DATE-TIME on every segment, and EXT-X-ENDLIST once the stream ended (§4.3.3.4).
 */
export function renderMediaPlaylist(input: MediaPlaylistInput): string {
  const { segments } = input;
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${HLS_VERSION}`,
    `#EXT-X-TARGETDURATION:${input.targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? input.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${input.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let initId: string | undefined;
  for (const s of segments) {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (s.init.id !== initId) {
      initId = s.init.id;
      lines.push(`#EXT-X-MAP:URI="${initUri(initId)}"`);
    }
    lines.push(
      `#EXT-X-PROGRAM-DATE-TIME:${programDateTime(s.programDateTimeMs)}`,
      `#EXTINF:${seconds(s.durationMs)},`,
      segmentUri(s.sequence),
    );
  }
  if (input.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
