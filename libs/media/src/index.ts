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
export { RenditionWindow, type InitRef, type Segment } from './rendition-window.js';
export { LiveStream, type MediaListener } from './live-stream.js';
export { MediaHub, REPLACED_REASON, type MediaHubOptions } from './media-hub.js';
export { mediaServiceHandlers, type MediaServiceOptions } from './media-service.js';
