import type { ServiceDefinition as GrpcServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { ServiceKind } from '@onair/contracts';
import type { telemetry } from '@onair/proto';
import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { connectNats, watchNatsState, type NatsConnection, type NatsState } from '@onair/nats-kit';
import {
  createMetricsRegistry,
  INSTANCE_ID,
  serviceApp,
  stopInOrder,
  type Logger,
  type ServiceApp,
} from '@onair/runtime';
import type { RoomMessage } from './frames.js';
import type { MessageKind, RoomMessages } from './room-messages.js';
import { tokenVerifierFromConfig, type RealtimeConfig } from './realtime-config.js';
import { moderationGrpcService } from './moderation-service.js';
import { serviceAuth, type ServiceAuth } from './service-auth.js';
import { startRealtime, type Realtime, type RoomActivity, type RoutesCore } from './realtime.js';

/** The ports a realtime service binds. */
export interface RealtimePorts {
  readonly [name: string]: number;
  readonly httpPort: number;
  readonly grpcPort: number;
}

/**
 * Something a realtime service runs beside the core while NATS is connected (danmaku: the live watcher and the
 * replay API).
 */
export interface Companion<P extends { text: string }, M extends RoomMessage> {
  /**
   * Its HTTP routes, registered on the service's HTTP port (`httpPort`) before it listens, with the core's posting
   * path and token verifier.
   */
  routes?(app: FastifyInstance, core: RoutesCore<P, M>): void;
  stop(): Promise<void>;
}

/** What a realtime service's own gRPC handlers work on: the messages its sockets use, and the caller check. */
export interface GrpcCore<P extends { text: string }, M extends RoomMessage> {
  readonly messages: RoomMessages<P, M>;
  /** Checks the credentials of a call that posts or moderates (see serviceAuth). */
  readonly authorize: ServiceAuth;
}

/** A realtime service's own gRPC service, built over the core its sockets use. */
export type GrpcServiceOf<P extends { text: string }, M extends RoomMessage> = (core: GrpcCore<P, M>) => {
  definition: GrpcServiceDefinition;
  implementation: UntypedServiceImplementation;
};

/** Options of {@link realtimeApp}: what a room message service adds to the shared core. */
export interface RealtimeAppOptions<P extends { text: string }, M extends RoomMessage> {
  /** Service kind: metrics label, Telemetry `service`, NATS connection name. */
  name: ServiceKind;
  config: RealtimeConfig;
  log: Logger;
  kind: MessageKind<P, M>;
  /** The service's own gRPC service (ChatService, DanmakuService) over the messages the sockets use. */
  grpcService: GrpcServiceOf<P, M>;
  /** Started once NATS is connected, before the servers; stopped with them. @throws to fail the start */
  companion?(nc: NatsConnection): Promise<Companion<P, M>>;
  /** Telemetry rooms from the core's activity. @default the activity as it is */
  roomStats?(activity: RoomActivity[]): telemetry.RoomStats[];
}

/**
 * The composition root every room message service shares (danmaku, chat): NATS, the realtime core (WebSocket
 * `/ws`, fan-out, JetStream capture and history, moderation, `/healthz`, `/metrics`) and a gRPC server with health,
 * Telemetry, the service's own API and ModerationService. Ports: `httpPort`, `grpcPort`.
 */
export function realtimeApp<P extends { text: string }, M extends RoomMessage>(
  options: RealtimeAppOptions<P, M>,
): ServiceApp<RealtimePorts> {
  const { name, config, log } = options;
  const registry = createMetricsRegistry(name);
  let realtime: Realtime<P, M> | undefined;
  const activity = (): RoomActivity[] => realtime?.activity() ?? [];
  let natsState: (() => NatsState) | undefined;
  const grpc = createGrpcServer({
    log,
    tls: grpcTlsOf(config),
    service: name,
    roomStats: () => options.roomStats?.(activity()) ?? activity(),
    nats: () => natsState?.(),
  });
  let stop: () => Promise<void> = async () => undefined;
  return serviceApp(name, {
    async start() {
      const nc = await connectNats({ servers: config.natsUrl, name: `${name}-${INSTANCE_ID}`, log });
      natsState = watchNatsState(nc);
      const serving: Array<() => Promise<void>> = [() => grpc.stop()];
      stop = () => stopInOrder([serving, [() => nc.drain()]]);
      const companion = await options.companion?.(nc);
      if (companion) serving.push(() => companion.stop());
      const verifier = await tokenVerifierFromConfig(config);
      const core = await startRealtime({
        config,
        log,
        registry,
        nc,
        kind: options.kind,
        verifier,
        routes: companion?.routes?.bind(companion),
      });
      realtime = core;
      serving.push(() => core.stop());
      const authorize = serviceAuth({
        serviceToken: config.serviceToken,
        variable: `${name.toUpperCase()}_SERVICE_TOKEN`,
        verifier,
        trusted: new Set(config.grpcTlsTrusted),
      });
      const { definition, implementation } = options.grpcService({ messages: core.messages, authorize });
      grpc.addService(definition, implementation);
      const moderationService = moderationGrpcService(core.moderation, authorize, log);
      grpc.addService(moderationService.definition, moderationService.implementation);
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      return { httpPort: core.httpPort, grpcPort };
    },
    stop: () => stop(),
  });
}
