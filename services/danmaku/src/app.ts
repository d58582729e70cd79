import { realtimeApp, type RealtimePorts } from '@onair/realtime';
import type { Logger, ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { danmakuKind } from './danmaku/danmaku-kind.js';
import { LiveClock } from './danmaku/live-clock.js';
import { watchLive } from './danmaku/live-watcher.js';
import { streamTimeOf } from './danmaku/stream-time.js';
import { danmakuGrpcService } from './grpc/danmaku-handlers.js';

/**
 * The danmaku service's composition root: the realtime core (WebSocket `/ws`, NATS fan-out on
 * `danmaku.room.<room>`, JetStream DANMAKU capture) with the danmaku kind, publishes and stream times from the
 * "live" bucket (watched while NATS is connected) and the posters' playheads, and DanmakuService + health + Telemetry over gRPC.
 * Ports: `httpPort`, `grpcPort`.
 */
export function createApp(config: Config, log: Logger): ServiceApp<RealtimePorts> {
  const clock = new LiveClock(log.child({ component: 'live-clock' }));
  return realtimeApp({
    name: 'danmaku',
    kind: danmakuKind(config.maxTextLength, (room, atMs, playheadMs) =>
      streamTimeOf(clock.publish(room, atMs), atMs, playheadMs, config),
    ),
    config,
    log,
    companion: (nc) => {
      const watcher = watchLive({ nc, clock, log });
      return { stop: async () => watcher.stop() };
    },
    grpcService: danmakuGrpcService(log),
    roomStats: (activity) =>
      activity.map((a) => {
        const publish = clock.publish(a.room, Date.now());
        return { ...a, live: publish !== undefined, publishStartedAtMs: publish?.startedAtMs ?? 0 };
      }),
  });
}
