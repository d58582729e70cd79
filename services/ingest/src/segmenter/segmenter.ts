import type { MediaEvent } from '@onair/media';

/** A part as the segmenter takes it: the fMP4 bytes and what the fMP4 reader found in them. */
export interface SegmenterPart {
  /** moof+mdat bytes. */
  readonly data: Buffer;
  /** ms. */
  readonly durationMs: number;
  /** Starts with a keyframe. */
  readonly independent: boolean;
  readonly videoFrames: number;
  /** Wall clock of the first sample, unix epoch ms. */
  readonly programDateTimeMs: number;
}

/**
 * The first media sequence number of a publish: its start time in tenths of a second. Segments last at least
 * 500 ms (the smallest INGEST_SEGMENT_TARGET_MS) save for a few cut short by ffmpeg restarts, so a publish numbers
 * about 2 segments a second while this base grows by 10: numbers never repeat in a room across publishes. The
 * media sequence then never decreases for a player that follows a room through a reconnect (RFC 8216 §6.2.1),
 * and a segment URL names one segment forever, so it can be cached as immutable.
 * @param startedAtMs publish start, unix epoch ms.
 */
export function firstMediaSequence(startedAtMs: number): number {
  return Math.floor(startedAtMs / 100);
}

/**
 * The first part sequence of a publish: its start time in ms. Parts last well over a millisecond, so a publish
 * numbers fewer parts than the ms that pass before the room's next publish: part numbers never repeat in a room,
 * and a part URL (named by its part sequence) names one part forever.
 * @param startedAtMs publish start, unix epoch ms.
 */
export function firstPartSequence(startedAtMs: number): number {
  return Math.floor(startedAtMs);
}

/**
 * Groups one rendition's parts into segments (RFC 8216 §3, §6.2.1): a new segment starts on an independent
 * part once the current one is as near `targetSegmentMs` as it gets (it lasts at least the target less half the
 * part), so every segment starts on a keyframe and lasts about the GOP multiple nearest the target (audio-only:
 * the part multiple nearest it). Media sequence numbers count from `firstSequence` and continue across
 * discontinuities (RFC 8216 §6.2.2), part sequences likewise (rfc8216bis §4.4.4.9 parts named so their URIs are
 * known ahead, for EXT-X-PRELOAD-HINT). Pure: it returns the MediaEvents to apply, in order.
 */
export class Segmenter {
  private sequence: number;
  private partSequence: number;
  private open: { partCount: number; durationMs: number } | undefined;

  /**
   * @param targetSegmentMs segment duration to reach before cutting, ms.
   * @param firstSequence media sequence number of the first segment (see {@link firstMediaSequence}).
   * @param firstPart part sequence of the first part (see {@link firstPartSequence}).
   */
  constructor(
    readonly rendition: string,
    readonly targetSegmentMs: number,
    firstSequence = 0,
    firstPart = 0,
  ) {
    this.sequence = firstSequence;
    this.partSequence = firstPart;
  }

  /** Adds a part: a SegmentEnd first when the part opens a new segment, then the Part. */
  push(part: SegmenterPart): MediaEvent[] {
    const out: MediaEvent[] = [];
    // Cut where the segment lands nearest the target: before this part unless ending after it is closer.
    if (this.open && part.independent && this.open.durationMs + part.durationMs / 2 >= this.targetSegmentMs)
      out.push(...this.close());
    const open = (this.open ??= { partCount: 0, durationMs: 0 });
    out.push({
      event: 'part',
      part: {
        rendition: this.rendition,
        segmentSequence: this.sequence,
        partIndex: open.partCount,
        data: part.data,
        durationMs: part.durationMs,
        independent: part.independent,
        programDateTimeMs: Math.round(part.programDateTimeMs),
        videoFrames: part.videoFrames,
        partSequence: this.partSequence++,
      },
    });
    open.partCount++;
    open.durationMs += part.durationMs;
    return out;
  }

  /** The media is not continuous from here (encoder restart): closes the open segment, then a Discontinuity. */
  discontinuity(): MediaEvent[] {
    return [...this.close(), { event: 'discontinuity', discontinuity: { rendition: this.rendition } }];
  }

  /** The stream ends: closes the open segment, if any. */
  finish(): MediaEvent[] {
    return this.close();
  }

  private close(): MediaEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const seq = this.sequence++;
    return [
      {
        event: 'segmentEnd',
        segmentEnd: { rendition: this.rendition, segmentSequence: seq, durationMs: open.durationMs },
      },
    ];
  }
}
