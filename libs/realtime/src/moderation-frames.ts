import { PROTOCOL_VERSION, type RoomMessage } from './frames.js';
import type { ModerationActionName } from './moderation/moderation-action.js';
import type { EffectiveRoomSettings } from './moderation/room-state.js';

/** A room's settings as viewers are told them: the settings in force and how many terms it blocks. */
export type RoomStateFields = EffectiveRoomSettings & { readonly blockedTerms: number };

/** Fields of a client frame that are not the moderation action's own. */
const ENVELOPE_FIELDS = new Set(['type', 'v', 'key']);

/** The moderation action a `{"type":"moderate",...}` frame asks for: its fields but `type`, `v` and `key`. */
export function moderationActionOf(frame: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(frame).filter(([field]) => !ENVELOPE_FIELDS.has(field)));
}

/**
 * `{"v":1,"type":"moderated","action":...,"key"?:...}` as JSON text: a moderator's `moderate` frame was carried out;
 * `key` is the frame's own, when it had one.
 */
export function moderatedFrame(action: ModerationActionName, key?: string): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'moderated', action, key });
}

/**
 * `{"v":1,"type":"room_state","room":...,"slowModeS":...,"mode":...,"guests":...,"densityPerSec":...,
 * "mergeIdentical":...,"roomRatePerSec":...,"blockedTerms":...}` as JSON text: what a joining viewer is told after the welcome (changes come as the same event from the room's stream).
 */
export function roomStateFrame(room: string, state: RoomStateFields): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'room_state', room, ...state });
}

/**
 * `{"v":1,"type":"held","room":...,"message":{...}}` as JSON text: a post waiting for review, sent to the room's
 * moderators (each one held when it is kept, and those waiting when a moderator joins).
 */
export function heldFrame(room: string, message: RoomMessage): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'held', room, message });
}

/** `{"v":1,"type":"released","room":...,"id":...}` as JSON text: a held post was approved or denied. */
export function releasedFrame(room: string, id: string): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'released', room, id });
}
