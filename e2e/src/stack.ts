import { freePort, startNats, startService, type TestNats, type TestService } from '@onair/testing';

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

/** nats-server and every service as real processes: ingest, an origin and an edge relay, two danmaku, two chat, monitoring. */
export interface Stack {
  readonly nats: TestNats;
  readonly services: Record<string, TestService>;
  readonly ports: StackPorts;
  stop(): Promise<void>;
}

const ports = async (n: number): Promise<number[]> => Promise.all(Array.from({ length: n }, () => freePort()));

/** Starts the stack on free ports; every service must log "started". */
export async function startStack(): Promise<Stack> {
  const nats = await startNats();
  const [rtmp, ingestGrpc, ingestHttp, originHttp, originGrpc, edgeHttp, edgeGrpc] = await ports(7);
  const [d1, d1g, d2, d2g, c1, c1g, c2, c2g, monHttp, monGrpc] = await ports(10);
  const p = (n: number | undefined): string => String(n);
  const services: Record<string, TestService> = {};
  const start = async (key: string, name: string, env: NodeJS.ProcessEnv): Promise<void> => {
    services[key] = await startService(name, env, 30_000);
  };
  const stack: Stack = {
    nats,
    services,
    ports: {
      rtmp: rtmp!,
      ingestGrpc: ingestGrpc!,
      originHttp: originHttp!,
      originGrpc: originGrpc!,
      edgeHttp: edgeHttp!,
      edgeGrpc: edgeGrpc!,
      danmakuHttp: [d1!, d2!],
      chatHttp: [c1!, c2!],
      monitoringHttp: monHttp!,
    },
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await nats.stop();
    },
  };
  try {
    await start('ingest', 'ingest', {
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: p(rtmp),
      INGEST_GRPC_PORT: p(ingestGrpc),
      INGEST_HTTP_PORT: p(ingestHttp),
      INGEST_NATS_URL: nats.url,
    });
    const relayEnv = (
      http: number | undefined,
      grpc: number | undefined,
      upstream: number | undefined,
    ): NodeJS.ProcessEnv => ({
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: p(http),
      RELAY_GRPC_PORT: p(grpc),
      RELAY_UPSTREAM: `127.0.0.1:${p(upstream)}`,
      RELAY_UPSTREAM_POLL_MS: '300',
    });
    await start('origin', 'relay', relayEnv(originHttp, originGrpc, ingestGrpc));
    await start('edge', 'relay', relayEnv(edgeHttp, edgeGrpc, originGrpc));
    const rt = (prefix: string, http: number | undefined, grpc: number | undefined): NodeJS.ProcessEnv => ({
      [`${prefix}_HOST`]: '127.0.0.1',
      [`${prefix}_HTTP_PORT`]: p(http),
      [`${prefix}_GRPC_PORT`]: p(grpc),
      [`${prefix}_NATS_URL`]: nats.url,
    });
    await Promise.all([
      start('danmaku1', 'danmaku', rt('DANMAKU', d1, d1g)),
      start('danmaku2', 'danmaku', rt('DANMAKU', d2, d2g)),
      start('chat1', 'chat', rt('CHAT', c1, c1g)),
      start('chat2', 'chat', rt('CHAT', c2, c2g)),
    ]);
    const targets = [
      `ingest=127.0.0.1:${p(ingestGrpc)}`,
      `relay=127.0.0.1:${p(originGrpc)}`,
      `relay=127.0.0.1:${p(edgeGrpc)}`,
      `danmaku=127.0.0.1:${p(d1g)}`,
      `danmaku=127.0.0.1:${p(d2g)}`,
      `chat=127.0.0.1:${p(c1g)}`,
      `chat=127.0.0.1:${p(c2g)}`,
      `monitoring=127.0.0.1:${p(monGrpc)}`,
    ].join(',');
    await start('monitoring', 'monitoring', {
      MONITORING_HOST: '127.0.0.1',
      MONITORING_HTTP_PORT: p(monHttp),
      MONITORING_GRPC_PORT: p(monGrpc),
      MONITORING_TARGETS: targets,
      MONITORING_POLL_MS: '500',
    });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
