import type { TimelineAnchor } from '@onair/contracts';
import type { LadderEntry } from '../transcode/ladder.js';

/**
 * How far one publish's stream timeline has come: the media of the rendition a recording's timeline follows (the
 * source, or the ladder's first rendition when it has none) that went to its segmenter, gapless across reconnects,
 * as a recording sums it (EXTINF, RFC 8216 §4.3.2.1). At a reconnect it gives the live entry's anchor (see
 * TimelineAnchor in @onair/contracts) tying that length to the wall clock where the new publisher's media starts.
 */
export class StreamTimeline {
  private readonly rendition: string;
  /** Media of `rendition` written so far, ms (fractional: part durations are in timescale units). */
  private mediaMs = 0;

  /** @param startedAtMs the publish's start, unix epoch ms (EXT-X-PROGRAM-DATE-TIME of media time 0) */
  constructor(
    ladder: readonly LadderEntry[],
    private readonly startedAtMs: number,
  ) {
    this.rendition = StreamTimeline.renditionOf(ladder);
  }

  /** The rendition of `ladder` a recording's timeline follows: the source, else the first. */
  static renditionOf(ladder: readonly LadderEntry[]): string {
    return (ladder.find((e) => e.kind === 'source') ?? ladder[0])?.name ?? '';
  }

  /** A part of `rendition`, `durationMs` long, went to its segmenter. */
  part(rendition: string, durationMs: number): void {
    if (rendition === this.rendition) this.mediaMs += durationMs;
  }

  /** What `renditions` wrote is dropped before the live stream started (a reset of the writer): forgotten. */
  reset(renditions: readonly string[]): void {
    if (renditions.includes(this.rendition)) this.mediaMs = 0;
  }

  /**
   * The anchor of a new publisher whose media starts at `inputStartMs` on the publish's live timeline (ms after
   * `startedAtMs`): `atMs` its program date-time, `streamTimeMs` the media written so far, rounded to ms.
   */
  anchor(inputStartMs: number): TimelineAnchor {
    return { atMs: this.startedAtMs + inputStartMs, streamTimeMs: Math.round(this.mediaMs) };
  }
}
