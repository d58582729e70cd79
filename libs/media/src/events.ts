import type { media } from '@onair/proto';
import { OnairError } from '@onair/runtime';

/**
 * A rendition as a sender states it. `discontinuitySequence` (RFC 8216 §4.3.3.3) may be left out, meaning 0:
 * ingest's windows start empty; a snapshot sets it from the sender's window.
 */
export type Rendition = Omit<media.Rendition__Output, 'discontinuitySequence'> & { discontinuitySequence?: number };
/** A publish opening, with its {@link Rendition}s. */
export type StreamStarted = Omit<media.StreamStarted__Output, 'renditions'> & { renditions: Rendition[] };
export type InitSegment = media.InitSegment__Output;
export type Part = media.Part__Output;
export type SegmentEnd = media.SegmentEnd__Output;
export type Discontinuity = media.Discontinuity__Output;
export type StreamEnded = media.StreamEnded__Output;

/**
 * One media event of a live stream: the in-process form of `onair.media.v1.SubscribeResponse`, with the
 * oneof's name in `event`. The same objects are written to gRPC as they are.
 */
export type MediaEvent =
  | { event: 'streamStarted'; streamStarted: StreamStarted }
  | { event: 'initSegment'; initSegment: InitSegment }
  | { event: 'part'; part: Part }
  | { event: 'segmentEnd'; segmentEnd: SegmentEnd }
  | { event: 'discontinuity'; discontinuity: Discontinuity }
  | { event: 'streamEnded'; streamEnded: StreamEnded };

/**
 * Narrows a decoded SubscribeResponse to a MediaEvent.
 * @throws OnairError INVALID_ARGUMENT when no event of the oneof is set.
 */
export function toMediaEvent(msg: media.SubscribeResponse__Output): MediaEvent {
  switch (msg.event) {
    case 'streamStarted':
      if (msg.streamStarted) return { event: 'streamStarted', streamStarted: msg.streamStarted };
      break;
    case 'initSegment':
      if (msg.initSegment) return { event: 'initSegment', initSegment: msg.initSegment };
      break;
    case 'part':
      if (msg.part) return { event: 'part', part: msg.part };
      break;
    case 'segmentEnd':
      if (msg.segmentEnd) return { event: 'segmentEnd', segmentEnd: msg.segmentEnd };
      break;
    case 'discontinuity':
      if (msg.discontinuity) return { event: 'discontinuity', discontinuity: msg.discontinuity };
      break;
    case 'streamEnded':
      if (msg.streamEnded) return { event: 'streamEnded', streamEnded: msg.streamEnded };
      break;
  }
  throw new OnairError('INVALID_ARGUMENT', 'media event without a payload');
}
