import { realtimeApp, type RealtimePorts } from '@onair/realtime';
import type { Logger, ServiceApp } from '@onair/runtime';
import { chatKind } from './chat/chat-kind.js';
import type { Config } from './config.js';
import { chatGrpcService } from './grpc/chat-handlers.js';

/**
 * The chat service's composition root: the realtime core (WebSocket `/ws` with the room's history first,
 * NATS fan-out on `chat.room.<room>`, JetStream CHAT capture and CHAT_HISTORY) with the chat message kind,
 * and ChatService + health + Telemetry over gRPC. Ports: `httpPort`, `grpcPort`.
 */
export function createApp(config: Config, log: Logger): ServiceApp<RealtimePorts> {
  const kind = chatKind(config.maxTextLength);
  return realtimeApp({ name: 'chat', config, log, kind, grpcService: chatGrpcService(log) });
}
