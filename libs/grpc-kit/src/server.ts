import { Server, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { ServiceKind } from '@onair/contracts';
import { onair } from '@onair/proto';
import type { telemetry } from '@onair/proto';
import { INSTANCE_ID, type Logger } from '@onair/runtime';
import { unary } from './handlers.js';
import { peerCheckInterceptor, serverCredentialsOf, type GrpcTls } from './tls.js';

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  log: Logger;
  /** Service kind reported by Telemetry.GetStats, e.g. "relay". */
  service: ServiceKind;
  /** Per-room statistics for Telemetry.GetStats; called on every poll. */
  roomStats: () => telemetry.RoomStats[];
  /**
   * The instance's NATS connection for Telemetry.GetStats (`nats`), called on every poll; absent or undefined
   * (not connected yet, or no NATS used): left unset.
   */
  nats?: (() => telemetry.NatsStatus | undefined) | undefined;
  version?: string;
  /** mTLS (see readGrpcTls): client certificates required and their names checked; absent: plaintext. */
  tls?: GrpcTls | undefined;
}

/** A gRPC server that already serves grpc.health.v1.Health and onair.telemetry.v1.TelemetryService. */
export interface GrpcServer {
  readonly server: Server;
  /** Adds a service; call before {@link GrpcServer.listen}. */
  addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
  /** Binds host:port (0 for a free port), marks every service SERVING and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /**
   * Marks NOT_SERVING, then shuts down gracefully (`tryShutdown`), forcing after `timeoutMs`.
   * @default timeoutMs 5000
   */
  stop(timeoutMs?: number): Promise<void>;
}

/** Creates a gRPC server with the standard health checking protocol and Telemetry.GetStats, plaintext or mTLS. */
export function createGrpcServer({
  log,
  service,
  roomStats,
  nats,
  version = '0.1.0',
  tls,
}: GrpcServerOptions): GrpcServer {
  const grpcLog = log.child({ component: 'grpc' });
  const server = new Server({
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    ...(tls ? { interceptors: [peerCheckInterceptor(tls.peers)] } : {}),
  });
  const names: string[] = [''];
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  const startedAtMs = Date.now();
  const telemetryService = onair().telemetry.v1.TelemetryService.service;
  server.addService(telemetryService, {
    GetStats: unary<telemetry.GetStatsRequest__Output, telemetry.GetStatsResponse>(grpcLog, async () => ({
      service,
      instance: INSTANCE_ID,
      version,
      startedAtMs,
      rooms: roomStats(),
      nats: nats?.() ?? null,
    })),
  });
  names.push('onair.telemetry.v1.TelemetryService');

  return {
    server,
    addService(definition, implementation) {
      server.addService(definition, implementation);
      const first = Object.values(definition)[0];
      const fullName = first?.path.split('/')[1];
      if (fullName) names.push(fullName);
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, serverCredentialsOf(tls), (err, bound) => {
          if (err) return reject(err);
          for (const name of names) health.setStatus(name, 'SERVING');
          grpcLog.info({ host, port: bound, tls: tls !== undefined }, 'listening');
          resolve(bound);
        });
      });
    },
    stop(timeoutMs = 5000) {
      for (const name of names) health.setStatus(name, 'NOT_SERVING');
      grpcLog.info('closing');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          grpcLog.warn({ timeoutMs }, 'forcing shutdown');
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          grpcLog.info('closed');
          resolve();
        });
      });
    },
  };
}
