import type { MediaEvent, MediaHub } from '@onair/media';

/** Start of the fed stream, ms since the epoch. */
export const LL_STARTED_AT_MS = 1_700_000_000_000;
/** Media sequence number of the first segment of every rendition. */
export const LL_FIRST_MSN = 100;
/** Part sequence of the first part of every rendition. */
export const LL_FIRST_PART = 5000;

/** Options of {@link llFeeder}. */
export interface LlFeederOptions {
  room?: string;
  renditions?: readonly string[];
  /** Segment duration, ms; a multiple of `partMs`. */
  segmentMs?: number;
  /** Part duration and Part Target Duration, ms. */
  partMs?: number;
}

/** What {@link llFeeder} applies to its hub, the way ingest's segmenter does, one rendition at a time. */
export interface LlFeeder {
  /** StreamStarted with every rendition, parts of `partMs`. */
  start(publishId?: string): void;
  /** The init segment of a rendition (`init-<rendition>` unless `data` says otherwise). */
  init(rendition: string, data?: string): void;
  /**
   * The next part of a rendition (bytes `<rendition>-<part sequence>`), after the previous segment's end when it
   * opens a new segment. @returns the part's media sequence number, index and part sequence.
   */
  part(rendition: string): { msn: number; index: number; partSequence: number };
  /** A discontinuity in a rendition: its open segment ends, the next part opens a new one. */
  discontinuity(rendition: string): void;
  /** Ends the stream. */
  end(reason?: string): void;
}

/**
 * Feeds room `room` of `hub` low-latency media: per rendition, segments of `segmentMs` cut into parts of `partMs`
 * (the first independent), numbered from {@link LL_FIRST_MSN} and {@link LL_FIRST_PART}, program date-times
 * advancing with the media from {@link LL_STARTED_AT_MS}.
 */
export function llFeeder(
  hub: MediaHub,
  { room = 'demo', renditions = ['source'], segmentMs = 1000, partMs = 250 }: LlFeederOptions = {},
): LlFeeder {
  const apply = (e: MediaEvent): void => hub.apply(room, e);
  const partsPerSegment = Math.round(segmentMs / partMs);
  const state = new Map(renditions.map((r) => [r, { msn: LL_FIRST_MSN, index: -1, part: LL_FIRST_PART, mediaMs: 0 }]));
  const of = (rendition: string) => {
    const s = state.get(rendition);
    if (!s) throw new Error(`unknown rendition ${rendition}`);
    return s;
  };
  const endSegment = (rendition: string): void => {
    const s = of(rendition);
    if (s.index < 0) return;
    const durationMs = (s.index + 1) * partMs;
    apply({ event: 'segmentEnd', segmentEnd: { rendition, segmentSequence: s.msn, durationMs } });
    s.msn++;
    s.index = -1;
  };
  return {
    start: (publishId = 'p1') =>
      apply({
        event: 'streamStarted',
        streamStarted: {
          room,
          publishId,
          startedAtMs: LL_STARTED_AT_MS,
          targetSegmentDurationMs: segmentMs,
          partTargetMs: partMs,
          renditions: renditions.map((name) => ({
            name,
            codecs: 'avc1.64001f',
            bandwidth: 1_000_000,
            width: 2,
            height: 2,
            frameRate: 25,
          })),
        },
      }),
    init: (rendition, data = `init-${rendition}`) =>
      apply({ event: 'initSegment', initSegment: { rendition, data: Buffer.from(data) } }),
    part(rendition) {
      const s = of(rendition);
      if (s.index + 1 >= partsPerSegment) endSegment(rendition);
      s.index++;
      const partSequence = s.part++;
      apply({
        event: 'part',
        part: {
          rendition,
          segmentSequence: s.msn,
          partIndex: s.index,
          data: Buffer.from(`${rendition}-${partSequence}`),
          durationMs: partMs,
          independent: s.index === 0,
          programDateTimeMs: LL_STARTED_AT_MS + s.mediaMs,
          videoFrames: 5,
          partSequence,
        },
      });
      s.mediaMs += partMs;
      return { msn: s.msn, index: s.index, partSequence };
    },
    discontinuity(rendition) {
      endSegment(rendition);
      apply({ event: 'discontinuity', discontinuity: { rendition } });
    },
    end: (reason = 'publisher left') => hub.end(room, reason),
  };
}
