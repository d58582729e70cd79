export { startRealtime, type Realtime, type RealtimeOptions, type RoomActivity, type RoutesCore } from './realtime.js';
export {
  realtimeConfigSpec,
  parseDuration,
  durationMs,
  tokenVerifierFromConfig,
  type RealtimeConfig,
  type RealtimeConfigDefaults,
} from './realtime-config.js';
export {
  ROLES,
  identityAllowsRoom,
  guestPoster,
  hasRole,
  posterOf,
  type Identity,
  type Poster,
  type Role,
} from './identity.js';
export { serviceAuth, grpcPoster, type Caller, type ServiceAuth, type ServiceAuthOptions } from './service-auth.js';
export {
  createTokenVerifier,
  CLOCK_TOLERANCE_S,
  type TokenKeySource,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './token-verifier.js';
export { issueToken, type IssueOptions, type TokenGrant } from './token-issuer.js';
export { RoomMessages, type MessageKind, type MessageStamp, type PostRequest } from './room-messages.js';
export type { RoomEditor } from './room-editor.js';
export type { RecoveredFrames } from './room-store.js';
export { readSubject, type ReadSubjectOptions, type StoredMessage } from './subject-reader.js';
export { isEvent } from './stored-frame.js';
export { roomIdSchema, nameSchema, textSchema, colorSchema, NAME_MAX_CHARS } from './fields.js';
export { PROTOCOL_VERSION, type RoomMessage, type ClientLimits, type Welcome } from './frames.js';
export { unwrap, type Rejection, type Result } from './result.js';
export { validate } from './validate.js';
export {
  realtimeApp,
  type RealtimeAppOptions,
  type RealtimePorts,
  type Companion,
  type GrpcServiceOf,
  type GrpcCore,
} from './realtime-app.js';
export {
  Moderation,
  moderationActionSchema,
  HELD_REJECTION,
  TERM_ACTIONS,
  TIMEOUT_MIN_S,
  TIMEOUT_MAX_S,
  SLOW_MODE_MIN_S,
  SLOW_MODE_MAX_S,
  REASON_MAX_CHARS,
  TERM_MAX_CHARS,
  isModerator,
  type ModerationOptions,
  type ModerationAction,
  type ModerationActionName,
  type TermAction,
  type Verdict,
  type AuditEntry,
  type RoomSettings,
  type HeldListener,
} from './moderation/index.js';
