import { z } from 'zod';
import { textSchema, type MessageKind, type RoomMessage } from '@onair/realtime';

/** What a viewer posts: `{"type":"message","text":...}`, validated. */
export interface ChatPost {
  readonly text: string;
}

/** A chat message as every viewer of the room receives it (protocol v1), live or in a history frame. */
export interface ChatMessage extends RoomMessage {
  readonly type: 'message';
}

/** Zod schema of a chat post. */
export function chatPostSchema(maxTextLength: number): z.ZodType<ChatPost> {
  return z.object({ text: textSchema('text', maxTextLength) });
}

/**
 * The chat message kind: validation of posts and the delivered message, kept in JetStream CHAT (and CHAT_HISTORY)
 * on `chat.room.<room>`; a joining viewer gets its room's history first.
 */
export function chatKind(maxTextLength: number): MessageKind<ChatPost, ChatMessage> {
  return {
    type: 'message',
    schema: chatPostSchema(maxTextLength),
    shape: (stamp, post) => ({ ...stamp, type: 'message', text: post.text }),
    stream: 'CHAT',
    subjectPrefix: 'chat.room',
    historyOnJoin: true,
  };
}
