import type { FastifyInstance } from 'fastify';
import { durationMs, realtimeApp, type RealtimePorts, type RoutesCore } from '@onair/realtime';
import type { Logger, ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { danmakuKind, type Danmaku, type DanmakuPost } from './danmaku/danmaku-kind.js';
import { LiveClock } from './danmaku/live-clock.js';
import { watchLive } from './danmaku/live-watcher.js';
import { streamTimeOf } from './danmaku/stream-time.js';
import { dplayerPostRoute } from './dplayer/dplayer-post-route.js';
import { publicCors, PUBLIC_API_PATHS } from './http/public-cors.js';
import { danmakuGrpcService } from './grpc/danmaku-handlers.js';
import { ImportStore } from './import/import-store.js';
import { importRoute } from './import/import-route.js';
import { formatRoutes } from './replay/format-routes.js';
import { jetStreamReplaySource } from './replay/jetstream-replay-source.js';
import { PublishIndex } from './replay/publish-index.js';
import { replayDanmakuFrom } from './replay/replay-danmaku.js';
import { replayRoute } from './replay/replay-route.js';

/**
 * The danmaku service's composition root: the realtime core (WebSocket `/ws`, NATS fan-out on
 * `danmaku.room.<room>`, JetStream DANMAKU capture) with the danmaku kind, publishes and stream times from the
 * "live" bucket (watched while NATS is connected) and the posters' playheads, the replay API
 * `GET /api/rooms/<room>/danmaku` and its formats for players and tools (DPlayer v3, Bilibili XML, ArtPlayer, ASS;
 * see format-routes.ts), DPlayer's `POST /dplayer/v3/` (publish starts kept in the `danmaku_publishes` bucket), the
 * Bilibili XML import `POST /api/rooms/<room>/danmaku.xml` into a publish (stream DANMAKU_IMPORTS), CORS on those routes (see public-cors.ts), and DanmakuService +
 * health + Telemetry over gRPC. Ports: `httpPort`, `grpcPort`.
 */
export function createApp(config: Config, log: Logger): ServiceApp<RealtimePorts> {
  const clock = new LiveClock(log.child({ component: 'live-clock' }));
  const kind = danmakuKind(config.maxTextLength, (room, atMs, playheadMs) =>
    streamTimeOf(clock.publish(room, atMs), atMs, playheadMs, config),
  );
  return realtimeApp({
    name: 'danmaku',
    kind,
    config,
    log,
    companion: async (nc) => {
      const maxAgeMs = durationMs(config.retention);
      const index = await PublishIndex.open({ nc, maxAgeMs, replicas: config.natsReplicas, log });
      const imports = await ImportStore.open({ nc, retentionMs: maxAgeMs, replicas: config.natsReplicas, log });
      const watcher = watchLive({ nc, clock, onPublish: (room, publish) => index.record(room, publish), log });
      const subject = (room: string): string => `${kind.subjectPrefix}.${room}`;
      const source = jetStreamReplaySource({ nc, index, imports, stream: kind.stream, subject, log });
      const replay = replayDanmakuFrom(source);
      const post = dplayerPostRoute(clock, config.maxTextLength);
      const importXml = importRoute({
        index,
        imports,
        maxBytes: config.importMaxBytes,
        maxTextLength: config.maxTextLength,
        log,
      });
      const routes = (app: FastifyInstance, core: RoutesCore<DanmakuPost, Danmaku>): void => {
        publicCors(PUBLIC_API_PATHS)(app);
        replayRoute(replay)(app);
        formatRoutes(replay)(app);
        post(app, core);
        importXml(app, core);
      };
      return { routes, stop: async () => watcher.stop() };
    },
    grpcService: danmakuGrpcService(log),
    roomStats: (activity) =>
      activity.map((a) => {
        const publish = clock.publish(a.room, Date.now());
        return { ...a, live: publish !== undefined, publishStartedAtMs: publish?.startedAtMs ?? 0 };
      }),
  });
}
