import type { MediaEvent, MediaHub } from '@onair/media';

/** Start of the fed stream and of its first segment's program date-time, ms since the epoch. */
const FEED_STARTED_AT_MS = 1_700_000_000_000;

/** What {@link hubFeeder} applies to its hub, one call per ingest event. */
export interface HubFeeder {
  /** StreamStarted for the room, one H.264 rendition `source` (2x2, 25 fps, 1 Mbit/s). */
  start(publishId: string): void;
  /** An init segment of rendition `source` holding `data`. */
  init(data: string): void;
  /** A discontinuity in rendition `source` (the next segment follows a new init). */
  discontinuity(): void;
  /** Segment `sequence` of `durationMs` (default: the feeder's segment length): one independent part, then its end. */
  segment(sequence: number, durationMs?: number): void;
}

/**
 * Feeds room `room` of `hub` the way ingest's segmenter does, with one rendition `source` whose segments hold their
 * own name as bytes (`seg-<sequence>`) and are `segmentMs` long, the program date-time advancing by `segmentMs` per
 * sequence number from {@link FEED_STARTED_AT_MS}.
 * @throws OnairError (from the hub) when a segment or init is fed before `start`.
 */
export function hubFeeder(hub: MediaHub, { room = 'demo', segmentMs = 2000 } = {}): HubFeeder {
  const apply = (e: MediaEvent): void => hub.apply(room, e);
  return {
    start: (publishId) =>
      apply({
        event: 'streamStarted',
        streamStarted: {
          room,
          publishId,
          startedAtMs: FEED_STARTED_AT_MS,
          targetSegmentDurationMs: segmentMs,
          partTargetMs: 0,
          renditions: [
            { name: 'source', codecs: 'avc1.64001f', bandwidth: 1_000_000, width: 2, height: 2, frameRate: 25 },
          ],
        },
      }),
    init: (data) => apply({ event: 'initSegment', initSegment: { rendition: 'source', data: Buffer.from(data) } }),
    discontinuity: () => apply({ event: 'discontinuity', discontinuity: { rendition: 'source' } }),
    segment: (sequence, durationMs = segmentMs) => {
      apply({
        event: 'part',
        part: {
          rendition: 'source',
          segmentSequence: sequence,
          partIndex: 0,
          data: Buffer.from(`seg-${sequence}`),
          durationMs,
          independent: true,
          programDateTimeMs: FEED_STARTED_AT_MS + sequence * segmentMs,
          videoFrames: 25,
          partSequence: sequence,
        },
      });
      apply({ event: 'segmentEnd', segmentEnd: { rendition: 'source', segmentSequence: sequence, durationMs } });
    },
  };
}
