import { onair } from '@onair/proto';
import type { telemetry } from '@onair/proto';
import { createGrpcServer } from '@onair/grpc-kit';
import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { startRealtime, type Realtime } from '@onair/realtime';
import { createMetricsRegistry, INSTANCE_ID, stopAll, type Logger, type Runnable } from '@onair/runtime';
import type { DanmakuConfig } from './config.js';
import { danmakuKind, type Danmaku, type DanmakuPost } from './danmaku/danmaku-kind.js';
import { LiveClock } from './danmaku/live-clock.js';
import { watchLive, type LiveWatcher } from './danmaku/live-watcher.js';
import { danmakuServiceHandlers } from './grpc/danmaku-handlers.js';

/** The danmaku service as a {@link Runnable}, with the ports it bound once started (0 before). */
export interface DanmakuApp extends Runnable {
  readonly httpPort: number;
  readonly grpcPort: number;
}

/**
 * The danmaku service's composition root: the realtime core (WebSocket `/ws`, NATS fan-out on
 * `danmaku.room.<room>`, JetStream DANMAKU capture) with the danmaku kind, stream times from the "live"
 * bucket, and DanmakuService + health + Telemetry over gRPC.
 */
export function createApp(config: DanmakuConfig, log: Logger): DanmakuApp {
  const registry = createMetricsRegistry('danmaku');
  const clock = new LiveClock(log.child({ component: 'live-clock' }));
  const ports = { httpPort: 0, grpcPort: 0 };
  let nc: NatsConnection | undefined;
  let watcher: LiveWatcher | undefined;
  let realtime: Realtime<DanmakuPost, Danmaku> | undefined;
  const roomStats = (): telemetry.RoomStats[] =>
    (realtime?.activity() ?? []).map((activity) => {
      const publish = clock.publish(activity.room, Date.now());
      return { ...activity, live: publish !== undefined, publishStartedAtMs: publish?.startedAtMs ?? 0 };
    });
  const grpc = createGrpcServer({ log, service: 'danmaku', roomStats });

  return {
    get httpPort() {
      return ports.httpPort;
    },
    get grpcPort() {
      return ports.grpcPort;
    },
    async start() {
      nc = await connectNats({ servers: config.natsUrl, name: `danmaku-${INSTANCE_ID}`, log });
      watcher = watchLive({ nc, clock, log });
      realtime = await startRealtime({
        config,
        log,
        registry,
        nc,
        kind: danmakuKind(config.maxTextLength, (room, atMs) => clock.streamTimeMs(room, atMs)),
        stream: 'DANMAKU',
        subjectPrefix: 'danmaku.room',
        historyOnJoin: false,
      });
      grpc.addService(onair().danmaku.v1.DanmakuService.service, danmakuServiceHandlers(realtime.poster, log));
      ports.httpPort = realtime.httpPort;
      ports.grpcPort = await grpc.listen(config.host, config.grpcPort);
      log.info({ ...ports }, 'started');
    },
    async stop() {
      await stopAll([() => grpc.stop(), async () => realtime?.stop(), async () => watcher?.stop()]);
      await nc?.drain();
    },
  };
}
