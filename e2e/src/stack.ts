import { startMonitoring, startNats, startService, type TestNats, type TestService } from '@onair/testing';

/** Ports of a whole-path stack started by {@link startStack}. */
export interface StackPorts {
  rtmp: number;
  ingestGrpc: number;
  originHttp: number;
  originGrpc: number;
  edgeHttp: number;
  edgeGrpc: number;
  danmakuHttp: [number, number];
  chatHttp: [number, number];
  monitoringHttp: number;
}

/**
 * nats-server and every service as real processes: ingest, an origin relay (following every live room, recording
 * the rooms set to be recorded when started with {@link StackOptions.recordingsDir}) and an edge relay (following
 * rooms on demand), two danmaku, two chat, monitoring.
 */
export interface Stack {
  readonly nats: TestNats;
  readonly services: Record<string, TestService>;
  readonly ports: StackPorts;
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** INGEST_LADDER. @default ingest's default ladder */
  ladder?: string;
  /**
   * A directory for the origin relay's recordings (RELAY_RECORDINGS_DIR): the origin then follows the live rooms from
   * NATS (RELAY_NATS_URL), as only such an origin records. Unset: it polls ingest and records nothing.
   */
  recordingsDir?: string;
}

const LOOPBACK = '127.0.0.1';

/** The secret the stack's danmaku and chat verify viewer tokens with (HS256). */
export const STACK_JWT_SECRET = 'e2e-stack-jwt-secret-0123456789abcdef';

/**
 * Starts the stack; every service must log "started". Each service binds port 0 and the ports are read back from
 * its "started" line, so no other process can take them first (monitoring, which polls itself, is the exception:
 * see {@link startMonitoring}).
 * @throws Error with the failing service's output, after stopping what had started.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const nats = await startNats();
  const services: Record<string, TestService> = {};
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await nats.stop();
  };
  const start = async (key: string, name: string, env: NodeJS.ProcessEnv): Promise<TestService> =>
    (services[key] = await startService(name, env, 30_000));
  const grpc = (key: string): string => `${LOOPBACK}:${services[key]!.port('grpcPort')}`;
  try {
    await start('ingest', 'ingest', {
      INGEST_HOST: LOOPBACK,
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_NATS_URL: nats.url,
      ...(options.ladder === undefined ? {} : { INGEST_LADDER: options.ladder }),
    });
    const relayEnv = (upstream: string, follow: string): NodeJS.ProcessEnv => ({
      RELAY_HOST: LOOPBACK,
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_UPSTREAM: grpc(upstream),
      RELAY_UPSTREAM_POLL_MS: '300',
      RELAY_FOLLOW: follow,
    });
    const recording: NodeJS.ProcessEnv =
      options.recordingsDir === undefined
        ? {}
        : { RELAY_NATS_URL: nats.url, RELAY_RECORDINGS_DIR: options.recordingsDir };
    await start('origin', 'relay', { ...relayEnv('ingest', 'all'), ...recording });
    await start('edge', 'relay', relayEnv('origin', 'on-demand'));
    const realtimeEnv = (prefix: string): NodeJS.ProcessEnv => ({
      [`${prefix}_HOST`]: LOOPBACK,
      [`${prefix}_HTTP_PORT`]: '0',
      [`${prefix}_GRPC_PORT`]: '0',
      [`${prefix}_NATS_URL`]: nats.url,
      [`${prefix}_JWT_SECRET`]: STACK_JWT_SECRET,
    });
    await Promise.all([
      start('danmaku1', 'danmaku', realtimeEnv('DANMAKU')),
      start('danmaku2', 'danmaku', realtimeEnv('DANMAKU')),
      start('chat1', 'chat', realtimeEnv('CHAT')),
      start('chat2', 'chat', realtimeEnv('CHAT')),
    ]);
    const targets = [
      ['ingest', 'ingest'],
      ['relay', 'origin'],
      ['relay', 'edge'],
      ['danmaku', 'danmaku1'],
      ['danmaku', 'danmaku2'],
      ['chat', 'chat1'],
      ['chat', 'chat2'],
    ].map(([name, key]) => `${name}=${grpc(key!)}`);
    const originUrl = `http://${LOOPBACK}:${services.origin!.port('httpPort')}`;
    services.monitoring = await startMonitoring(
      targets,
      { MONITORING_POLL_MS: '500', MONITORING_RELAY_URL: originUrl },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const port = (key: string, field: string): number => services[key]!.port(field);
  return {
    nats,
    services,
    ports: {
      rtmp: port('ingest', 'rtmpPort'),
      ingestGrpc: port('ingest', 'grpcPort'),
      originHttp: port('origin', 'httpPort'),
      originGrpc: port('origin', 'grpcPort'),
      edgeHttp: port('edge', 'httpPort'),
      edgeGrpc: port('edge', 'grpcPort'),
      danmakuHttp: [port('danmaku1', 'httpPort'), port('danmaku2', 'httpPort')],
      chatHttp: [port('chat1', 'httpPort'), port('chat2', 'httpPort')],
      monitoringHttp: port('monitoring', 'httpPort'),
    },
    stop,
  };
}
