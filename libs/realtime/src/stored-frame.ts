import type { MsgHdrs } from '@onair/nats-kit';

/**
 * JetStream's stream-source header on a message a stream sourced from another:
 * "<stream>[:<hash>] <sequence> <filter> <transform> <subject>", sequence being the origin stream's.
 */
const SOURCE_HEADER = 'Nats-Stream-Source';

/**
 * Header set on the event frames of a room (deleted, cleared, room_state; see RoomEditor.appendEvent), so the
 * readers that want only messages (history, the search of `remove`) skip them without parsing.
 */
export const EVENT_HEADER = 'Onair-Event';

/**
 * The JSON text a frame object is stored as: its members without a top-level `seq`, which the store assigns
 * (a frame read back and stored again, e.g. a released held message, must not carry its old one).
 */
export function storedText(frame: object): string {
  const copy: Record<string, unknown> = { ...frame };
  delete copy.seq;
  return JSON.stringify(copy);
}

/**
 * The origin stream's sequence of a message a stream sourced (its {@link SOURCE_HEADER}); undefined when the
 * message carries no such header or it is malformed.
 */
export function sourceSeq(headers: MsgHdrs | undefined): number | undefined {
  const value = headers?.get(SOURCE_HEADER);
  const seq = Number(value?.split(' ')[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** Whether a stored message is an event frame ({@link EVENT_HEADER}) rather than a room message. */
export function isEvent(headers: MsgHdrs | undefined): boolean {
  return headers?.has(EVENT_HEADER) ?? false;
}
