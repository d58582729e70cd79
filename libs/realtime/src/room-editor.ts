import type { RoomMessage } from './frames.js';

/**
 * Edits of a room's stored frames, for moderation; RoomLog implements it. Each applies to the capture stream
 * (what `since` reads and viewers are fed from) and to the bounded history stream (what `recent` reads); frames
 * already delivered to viewers stay with them: tell them with an event (`appendEvent`).
 */
export interface RoomEditor {
  /**
   * Removes the room's message `id` (its `id` field; events never match) from the capture and history streams;
   * false when not found.
   * @throws when JetStream fails.
   */
  remove(room: string, id: string): Promise<boolean>;
  /** Removes every message (and event) of the room from both streams. @throws when JetStream fails. */
  purge(room: string): Promise<void>;
  /**
   * Stores an event frame object ({v:1,type:'deleted'|'cleared'|'room_state',room,...}) in the room's stream, in
   * order with its messages and with its own seq: viewers get it live and on recovery; history reads skip it.
   * @throws when the store does not acknowledge it.
   */
  appendEvent(room: string, event: Record<string, unknown>): Promise<void>;
  /** Stores a released held message as if just posted (approve). @throws when the store does not acknowledge it. */
  appendMessage(room: string, message: RoomMessage): Promise<void>;
}
