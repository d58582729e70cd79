import { onair } from '@onair/proto';
import { createGrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { createMetricsRegistry, serviceApp, stopInOrder, type Logger, type ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { RoomStreams } from './hls/room-streams.js';
import { createHttpServer } from './http/http-server.js';
import { createRelayMetrics } from './telemetry/relay-metrics.js';
import { relayRoomStats } from './telemetry/room-stats.js';
import { Upstream } from './upstream/upstream.js';
import { ViewerTracker } from './viewers/viewer-tracker.js';

/**
 * The relay's composition root: a MediaHub fed by the upstream, served as HLS over HTTP and as
 * MediaService over gRPC (so edges can chain), with viewers, metrics and telemetry. Ports: `httpPort`, `grpcPort`.
 */
export function createApp(config: Config, log: Logger): ServiceApp<{ httpPort: number; grpcPort: number }> {
  const hub = new MediaHub({ windowSize: config.windowSegments });
  const streams = new RoomStreams(hub, { lingerMs: config.endedLingerMs });
  const viewers = new ViewerTracker();
  const registry = createMetricsRegistry('relay');
  const upstream = new Upstream({ address: config.upstream, pollMs: config.upstreamPollMs, hub, log });
  const http = createHttpServer({
    log,
    registry,
    metrics: createRelayMetrics(registry, viewers),
    streams,
    viewers,
    health: () => ({ upstream: config.upstream, upstreamReachable: upstream.reachable, liveRooms: hub.list().length }),
  });
  const grpc = createGrpcServer({ log, service: 'relay', roomStats: () => relayRoomStats(streams, viewers) });
  // Until the upstream has been followed, the hub may lack live rooms: edges must hear UNAVAILABLE, not "none".
  grpc.addService(
    onair().media.v1.MediaService.service,
    mediaServiceHandlers(hub, log, { ready: () => upstream.ready }),
  );
  return serviceApp('relay', {
    async start() {
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      const httpPort = await http.listen(config.host, config.httpPort);
      upstream.start();
      return { httpPort, grpcPort };
    },
    stop: () =>
      stopInOrder([[() => grpc.stop(), () => http.stop(), () => upstream.stop()], [async () => streams.clear()]]),
  });
}
