import { onair, type telemetry } from '@onair/proto';
import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { Kvm, connectNats, watchNatsState } from '@onair/nats-kit';
import {
  INSTANCE_ID,
  closeHttp,
  listenHttp,
  createHttpApp,
  createMetricsRegistry,
  serviceApp,
  stopInOrder,
  type Logger,
  type ServiceApp,
} from '@onair/runtime';
import type { Config } from './config.js';
import { createPublishPipeline } from './publish/pipeline.js';
import type { PublishPipeline } from './publish/publish-sink.js';
import { LiveRegistry } from './rooms/live-registry.js';
import { ensureDemoRoom } from './rooms/demo-room.js';
import { createRoomPublishGate } from './rooms/room-publish-gate.js';
import { PublishHooks } from './hooks/publish-hooks.js';
import { RoomStore } from './rooms/room-store.js';
import { RecordingsDeleter } from './rooms/recordings-deleter.js';
import { PublishEnder } from './rooms/publish-ender.js';
import { roomsServiceHandlers } from './rooms/rooms-service.js';
import { createRtmpMetrics } from './servers/rtmp/rtmp-metrics.js';
import { RtmpServer } from './servers/rtmp/server.js';

/**
 * The composition root of ingest: NATS (rooms and live buckets, recording deletes, admin-ended publishes), the MediaHub fed by the publish pipeline,
 * the RTMP server, the gRPC server (RoomsService, MediaService, Telemetry, health) and HTTP /metrics.
 * Ports: `rtmpPort`, `rtmpsPort` (0 without TLS), `grpcPort`, `httpPort`. The live registry's entries name this
 * instance's MediaService as INGEST_GRPC_ADVERTISE_ADDRESS, or 127.0.0.1 and the bound gRPC port.
 */
export function createApp(
  config: Config,
  log: Logger,
): ServiceApp<{ rtmpPort: number; rtmpsPort: number; grpcPort: number; httpPort: number }> {
  let stop: () => Promise<void> = async () => undefined;
  return serviceApp('ingest', {
    async start() {
      const nc = await connectNats({ servers: config.natsUrl, name: `ingest-${INSTANCE_ID}`, log });
      stop = () => nc.drain();
      const kvm = new Kvm(nc);
      const replicas = config.natsReplicas;
      const store = await RoomStore.open(kvm, { log, replicas, recordNewRooms: config.recordNewRooms });
      if (config.demoRoom)
        await ensureDemoRoom(
          store,
          { room: config.demoRoom, streamKey: config.demoStreamKey, rtmpApp: config.rtmpApp },
          log,
        );
      // Known once the gRPC port is bound, before RTMP accepts the first publish.
      const advertised: { grpcAddress?: string } = {};
      const live = await LiveRegistry.open(kvm, { log, replicas, grpcAddress: () => advertised.grpcAddress });
      // ingest serves no HLS URLs, only MediaService events: a window holds what it lists and no more.
      const hub = new MediaHub({ windowSize: config.windowSegments, keepRetired: false });
      const pipeline = createPublishPipeline({
        hub,
        ladder: [...config.ladder],
        ffmpegPath: config.ffmpegPath,
        targetSegmentMs: config.segmentTargetMs,
        partTargetMs: config.partTargetMs,
        log,
      });
      const registry = createMetricsRegistry('ingest');
      const rtmp = new RtmpServer({
        host: config.host,
        port: config.rtmpPort,
        log,
        app: config.rtmpApp,
        gate: createRoomPublishGate(store, live),
        pipeline,
        metrics: createRtmpMetrics(registry),
        maxMessageBytes: config.maxMessageBytes,
        maxConnections: config.maxConnections,
        hooks: new PublishHooks({
          onPublishUrl: config.onPublishUrl || undefined,
          onUnpublishUrl: config.onUnpublishUrl || undefined,
          secret: config.webhookSecret || undefined,
          timeoutMs: config.webhookTimeoutMs,
          log: log.child({ component: 'publish-hooks' }),
        }),
        publishPolicy: config.publishPolicy,
        reconnectGraceMs: config.reconnectGraceMs,
        idleTimeoutMs: config.idleTimeoutMs,
      });
      const ender = new PublishEnder(nc, live, rtmp, { log });
      const grpc = createGrpcServer({
        log,
        service: 'ingest',
        roomStats: () => roomStats(hub, pipeline),
        nats: watchNatsState(nc),
        tls: grpcTlsOf(config),
      });
      grpc.addService(
        onair().rooms.v1.RoomsService.service,
        roomsServiceHandlers(store, live, new RecordingsDeleter(nc, { log }), ender, log, {
          adminToken: config.adminToken,
          trusted: new Set(config.grpcTlsTrusted),
        }),
      );
      grpc.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
      const httpLog = log.child({ component: 'http' });
      const http = createHttpApp({
        log: httpLog,
        registry,
        health: () => ({ status: 'ok', liveStreams: hub.list().length }),
      });
      stop = () =>
        stopInOrder([
          [
            () => grpc.stop(),
            async () => {
              ender.stop();
              await rtmp.stop();
              await pipeline.close();
            },
            () => closeHttp(http, httpLog),
          ],
          [() => nc.drain()],
        ]);

      ender.start();
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      advertised.grpcAddress = config.grpcAdvertiseAddress || `127.0.0.1:${grpcPort}`;
      log.info({ grpcAddress: advertised.grpcAddress }, 'live rooms advertise this gRPC address');
      const httpPort = await listenHttp(http, config.host, config.httpPort, httpLog);
      const rtmpPort = await rtmp.listen();
      const { rtmpsPort: tlsPort, tlsCertFile: certFile, tlsKeyFile: keyFile } = config;
      const rtmpsPort = certFile && keyFile ? await rtmp.listenTls(tlsPort, { certFile, keyFile }) : 0;
      return { rtmpPort, rtmpsPort, grpcPort, httpPort };
    },
    stop: () => stop(),
  });
}

/**
 * Telemetry.GetStats rooms: per live stream, each rendition's measured bit rate and fps from its window, and how
 * the publisher's media arrives (IngestHealth).
 */
function roomStats(hub: MediaHub, pipeline: PublishPipeline): telemetry.RoomStats[] {
  return hub.list().map((stream) => ({
    room: stream.room,
    live: true,
    publishStartedAtMs: stream.info.startedAtMs,
    renditions: stream.info.renditions.map((r) => {
      const stats = stream.window(r.name)?.stats() ?? { averageBitrate: 0, fps: 0 };
      return {
        name: r.name,
        bitrateKbps: stats.averageBitrate / 1000,
        fps: stats.fps,
        width: r.width,
        height: r.height,
        codecs: r.codecs,
      };
    }),
    viewers: 0,
    messagesPerSecond: 0,
    ingestHealth: pipeline.health(stream.room),
  }));
}
