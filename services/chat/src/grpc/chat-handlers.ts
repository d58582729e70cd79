import { onair, type chat } from '@onair/proto';
import { unary } from '@onair/grpc-kit';
import { grpcPoster, unwrap, type GrpcCore, type GrpcServiceOf } from '@onair/realtime';
import type { Logger } from '@onair/runtime';
import type { ChatMessage, ChatPost } from '../chat/chat-kind.js';

/** GetHistory's limit when the request says 0. */
export const DEFAULT_HISTORY_LIMIT = 50;

/** onair.chat.v1.ChatMessage of a chat message. */
export function toProtoMessage({ id, room, name, userId, text, sentAtMs }: ChatMessage): chat.ChatMessage {
  return { id, room, name, userId, text, sentAtMs };
}

/**
 * onair.chat.v1.ChatService on the same RoomMessages the WebSocket viewers use: a posted message is validated,
 * captured and fanned out exactly like one sent over a socket; INVALID_ARGUMENT names the field at fault. PostMessage
 * needs the service token or an admin token (UNAUTHENTICATED, PERMISSION_DENIED); GetHistory is open.
 */
export function chatServiceHandlers(
  { messages, authorize }: GrpcCore<ChatPost, ChatMessage>,
  log: Logger,
): chat.ChatServiceHandlers {
  const grpcLog = log.child({ component: 'chat-service' });
  return {
    PostMessage: unary(grpcLog, async (req: chat.PostMessageRequest__Output, call) => {
      const poster = grpcPoster(await authorize(call), req);
      const posted = unwrap(await messages.post({ room: req.room, poster, fields: { text: req.text } }));
      return { message: toProtoMessage(posted) };
    }),
    GetHistory: unary(grpcLog, async (req: chat.GetHistoryRequest__Output) => {
      const recent = unwrap(await messages.recent(req.room, req.limit === 0 ? DEFAULT_HISTORY_LIMIT : req.limit));
      return { messages: recent.map(toProtoMessage) };
    }),
  };
}

/** ChatService as the realtime core serves it: its definition and the handlers over the sockets' messages. */
export function chatGrpcService(log: Logger): GrpcServiceOf<ChatPost, ChatMessage> {
  return (core) => ({
    definition: onair().chat.v1.ChatService.service,
    implementation: chatServiceHandlers(core, log),
  });
}
