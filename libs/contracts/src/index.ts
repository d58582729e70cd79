export { LIVE_BUCKET, liveEntrySchema, encodeLiveEntry, decodeLiveEntry, type LiveEntry } from './live-bucket.js';
export {
  MAX_TIMELINE_ANCHORS,
  appendAnchor,
  streamTimeAt,
  wallClockAt,
  type TimelineAnchor,
} from './stream-timeline.js';
export { SERVICE_KINDS, type ServiceKind } from './service-kinds.js';
export { ROOM_ID_PATTERN } from './room-id.js';
export { MONITORING_USER_AGENT } from './monitoring-user-agent.js';
export {
  RECORDINGS_DELETE_SUBJECT,
  PUBLISH_ID_PATTERN,
  deleteRecordingRequestSchema,
  deleteRecordingReplySchema,
  type DeleteRecordingRequest,
  type DeleteRecordingReply,
} from './recordings-subject.js';
