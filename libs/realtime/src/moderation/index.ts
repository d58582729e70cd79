export { Moderation, type ModerationOptions, type HeldListener } from './moderation.js';
export {
  moderationActionSchema,
  TERM_ACTIONS,
  TIMEOUT_MIN_S,
  TIMEOUT_MAX_S,
  SLOW_MODE_MIN_S,
  SLOW_MODE_MAX_S,
  REASON_MAX_CHARS,
  TERM_MAX_CHARS,
  type ModerationAction,
  type ModerationActionName,
  type TermAction,
} from './moderation-action.js';
export { HELD_REJECTION, type Verdict } from './post-check.js';
export type { AuditEntry } from './audit-log.js';
export type { RoomSettings } from './room-state.js';
export { isModerator } from './poster-rank.js';
