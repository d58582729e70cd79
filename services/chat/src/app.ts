import { onair } from '@onair/proto';
import { createGrpcServer } from '@onair/grpc-kit';
import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { startRealtime, type Realtime } from '@onair/realtime';
import { createMetricsRegistry, INSTANCE_ID, stopAll, type Logger, type Runnable } from '@onair/runtime';
import { chatKind, type ChatMessage, type ChatPost } from './chat/chat-kind.js';
import type { ChatConfig } from './config.js';
import { chatServiceHandlers } from './grpc/chat-handlers.js';

/** The chat service as a {@link Runnable}, with the ports it bound once started (0 before). */
export interface ChatApp extends Runnable {
  readonly httpPort: number;
  readonly grpcPort: number;
}

/**
 * The chat service's composition root: the realtime core (WebSocket `/ws` with the room's history first,
 * NATS fan-out on `chat.room.<room>`, JetStream CHAT capture and CHAT_HISTORY) with the chat message kind,
 * and ChatService + health + Telemetry over gRPC.
 */
export function createApp(config: ChatConfig, log: Logger): ChatApp {
  const registry = createMetricsRegistry('chat');
  const ports = { httpPort: 0, grpcPort: 0 };
  let nc: NatsConnection | undefined;
  let realtime: Realtime<ChatPost, ChatMessage> | undefined;
  const grpc = createGrpcServer({ log, service: 'chat', roomStats: () => realtime?.activity() ?? [] });

  return {
    get httpPort() {
      return ports.httpPort;
    },
    get grpcPort() {
      return ports.grpcPort;
    },
    async start() {
      nc = await connectNats({ servers: config.natsUrl, name: `chat-${INSTANCE_ID}`, log });
      realtime = await startRealtime({
        config,
        log,
        registry,
        nc,
        kind: chatKind(config.maxTextLength),
        stream: 'CHAT',
        subjectPrefix: 'chat.room',
        historyOnJoin: true,
      });
      grpc.addService(onair().chat.v1.ChatService.service, chatServiceHandlers(realtime.poster, log));
      ports.httpPort = realtime.httpPort;
      ports.grpcPort = await grpc.listen(config.host, config.grpcPort);
      log.info({ ...ports }, 'started');
    },
    async stop() {
      await stopAll([() => grpc.stop(), async () => realtime?.stop()]);
      await nc?.drain();
    },
  };
}
