import { fileURLToPath } from 'node:url';
import { onair } from '@onair/proto';
import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { watchNatsState, type NatsState } from '@onair/nats-kit';
import { createMetricsRegistry, serviceApp, stopInOrder, type Logger, type ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { RoomStreams } from './hls/room-streams.js';
import { createRelayHttp } from './http/relay-http.js';
import { Recorder } from './recording/recorder.js';
import { RecordingsKeeper } from './recording/recordings-keeper.js';
import { createVodHandler } from './recording/vod-handler.js';
import { createRelayMetrics } from './telemetry/relay-metrics.js';
import { relayRoomStats } from './telemetry/room-stats.js';
import { createFollower } from './upstream/follower.js';
import { IDLE_REASON } from './upstream/on-demand-upstream.js';
import { ViewerTracker } from './viewers/viewer-tracker.js';
import { createDevTokens } from './watch/dev-token.js';
import { loadWatchAssets } from './watch/watch-assets.js';
import { createWatchHandler } from './watch/watch-handler.js';

/** Where `npm run build` puts the watch page (resolves the same from src/ under tests and from dist/). */
const WATCH_DIR = fileURLToPath(new URL('../dist/watch-page/', import.meta.url));

/**
 * The relay's composition root: a MediaHub fed by the upstream (every live room, or rooms on demand), served as
 * LL-HLS over HTTP (and HTTPS with HTTP/2 when a certificate is configured) and as MediaService over gRPC (so
 * edges can chain), with viewers, metrics and telemetry, and the watch page (see createWatchHandler); an origin
 * following the live registry records the publishes marked for it (see Recorder). Ports: `httpPort`, `grpcPort`, `httpsPort` (0 without TLS). */
export function createApp(
  config: Config,
  log: Logger,
): ServiceApp<{ httpPort: number; grpcPort: number; httpsPort: number }> {
  const hub = new MediaHub({ windowSize: config.windowSegments });
  const tls = grpcTlsOf(config);
  const recorder =
    config.follow === 'all' && config.natsUrl && config.recordingsDir
      ? new Recorder({ dir: config.recordingsDir, hub, log })
      : undefined;
  const keeper =
    recorder &&
    new RecordingsKeeper({
      dir: config.recordingsDir,
      recorder,
      limits: { maxAgeMs: config.recordingsMaxAgeMs, maxBytes: config.recordingsMaxBytes },
      checkMs: config.recordingsCheckMs,
      log,
    });
  const upstream = createFollower(config, hub, log, tls, recorder && ((room, entry) => recorder.entry(room, entry)));
  const streams = new RoomStreams(hub, {
    lingerMs: config.endedLingerMs,
    demand: upstream.demand,
    noLingerReason: IDLE_REASON,
  });
  const viewers = new ViewerTracker();
  const registry = createMetricsRegistry('relay');
  let watch: ReturnType<typeof createWatchHandler> | undefined;
  const http = createRelayHttp({
    log,
    registry,
    metrics: createRelayMetrics(registry, viewers),
    streams,
    viewers,
    recordings: recorder && createVodHandler(config.recordingsDir),
    watch: (req) => watch?.(req),
    health: () => ({ ...upstream.health(), liveRooms: hub.list().length }),
  });
  let natsState: (() => NatsState) | undefined;
  const grpc = createGrpcServer({
    log,
    service: 'relay',
    roomStats: () => relayRoomStats(streams, viewers),
    nats: () => natsState?.(),
    tls,
  });
  grpc.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log, upstream.media));
  return serviceApp('relay', {
    async start() {
      const assets = await loadWatchAssets(WATCH_DIR);
      if (!assets) log.warn({ dir: WATCH_DIR }, 'watch page not built: /watch answers 404 (npm run build)');
      watch = createWatchHandler({
        assets,
        origins: {
          danmakuUrl: config.watchDanmakuUrl,
          chatUrl: config.watchChatUrl,
          signInUrl: config.watchSignInUrl,
        },
        devTokens: config.watchDevJwtSecretFile ? await createDevTokens(config.watchDevJwtSecretFile) : undefined,
      });
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      const httpPort = await http.listen(config.host, config.httpPort);
      const { httpsPort, tlsCertFile: certFile, tlsKeyFile: keyFile } = config;
      const tlsPort = certFile && keyFile ? await http.listenTls(config.host, httpsPort, { certFile, keyFile }) : 0;
      await recorder?.start();
      await upstream.start();
      const nc = upstream.nats();
      if (nc) natsState = watchNatsState(nc);
      await keeper?.start(upstream.nats());
      return { httpPort, grpcPort, httpsPort: tlsPort };
    },
    stop: () =>
      stopInOrder([
        [async () => keeper?.stop()],
        [() => grpc.stop(), () => http.stop(), () => upstream.stop()],
        [async () => streams.clear(), async () => recorder?.stop()],
      ]),
  });
}
