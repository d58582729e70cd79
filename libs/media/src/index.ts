export {
  toMediaEvent,
  type MediaEvent,
  type StreamStarted,
  type Rendition,
  type InitSegment,
  type Part,
  type SegmentEnd,
  type Discontinuity,
  type StreamEnded,
} from './events.js';
export {
  RenditionWindow,
  initId,
  type InitRef,
  type Segment,
  type RenditionWindowOptions,
} from './rendition-window.js';
export { LiveStream, type MediaListener } from './live-stream.js';
export { MediaHub, REPLACED_REASON, type MediaHubOptions } from './media-hub.js';
export { mediaServiceHandlers, NOT_READY, type MediaServiceOptions } from './media-service.js';
