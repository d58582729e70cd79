import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { createMetricsRegistry, serviceApp, stopInOrder, type Logger, type ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { createAlerting } from './alerts/alerting.js';
import { AlertWebhook } from './alerts/alert-webhook.js';
import { createHttpServer } from './http/http-server.js';
import { createIngestRooms } from './admin/ingest-rooms.js';
import { registerStatusMetrics } from './metrics/status-metrics.js';
import { createPoller } from './poller/poller.js';
import { createGrpcProbe } from './poller/target-probe.js';
import { discoverTargets } from './poller/target-discovery.js';
import { targetDiscovery } from './poller/discovery-loop.js';
import { createStatusFeed } from './status/status-feed.js';
import { StatusHistory } from './status/status-history.js';
import { buildStatusReport } from './status/status-report.js';
import { createThumbnailer } from './thumbnails/create-thumbnailer.js';
import { thumbnailRendition } from './thumbnails/thumbnail-rendition.js';

/**
 * Composition root: the gRPC server (health + Telemetry, so monitoring watches itself), the poller of
 * every target (the replicas behind each configured host name, found again every `discoveryMs`), the thumbnailer of
 * live rooms (unless `thumbnails` is off), the status feed and history its polls drive, the alert rules (and their
 * webhook), and the HTTP server with the dashboard, /api/status, /api/alerts, /api/events, thumbnails, /metrics and
 * the admin actions (through ingest's RoomsService, when MONITORING_ADMIN_TOKEN is set). Ports: `httpPort`,
 * `grpcPort`.
 */
export function createApp(config: Config, log: Logger): ServiceApp<{ httpPort: number; grpcPort: number }> {
  const tls = grpcTlsOf(config);
  const grpc = createGrpcServer({ log, service: 'monitoring', roomStats: () => [], tls });
  const poller = createPoller({
    targets: config.targets,
    pollMs: config.pollMs,
    timeoutMs: config.pollTimeoutMs,
    log,
    openProbe: (target) => createGrpcProbe(target, config.pollMs, tls),
    onPolled: () => feed.polled(),
  });
  const registry = createMetricsRegistry('monitoring');
  const thumbnails = createThumbnailer(config, registry, log, () =>
    report().streams.flatMap(({ room, publishStartedAtMs, renditions }) => {
      const rendition = thumbnailRendition(renditions);
      return rendition === undefined ? [] : [{ room, publishStartedAtMs, rendition }];
    }),
  );
  const report = () => buildStatusReport(poller.states(), Date.now(), (room) => thumbnails?.get(room)?.atMs ?? null);
  const feed = createStatusFeed({
    build: report,
    history: new StatusHistory({ windowMs: config.historyMs, intervalMs: config.pollMs }),
  });
  registerStatusMetrics(registry, report);
  // Admin actions go to the first ingest target as configured (a host name reaches any replica: EndPublish finds the
  // one holding the publish).
  const ingestAddress = config.targets.find((t) => t.name === 'ingest')?.address;
  const rooms =
    config.adminToken && ingestAddress
      ? createIngestRooms(ingestAddress, config.ingestAdminToken || undefined, tls)
      : undefined;
  const alerting = createAlerting({ rules: config.alertRules, report, intervalMs: config.pollMs, log });
  const webhook = config.alertWebhookUrl
    ? new AlertWebhook({ url: config.alertWebhookUrl, secret: config.alertWebhookSecret, log })
    : undefined;
  if (webhook) alerting.onChange((alert) => webhook.send(alert));
  const http = createHttpServer({
    log,
    registry,
    report,
    alerts: () => alerting.snapshot(),
    thumbnail: (room) => thumbnails?.get(room),
    admin: { token: config.adminToken, rooms },
    onAlertChange: (listener) => alerting.onChange(() => listener()),
    feed,
    events: {
      maxClients: config.sseMaxClients,
      maxBufferBytes: config.sseMaxBufferBytes,
      heartbeatMs: config.sseHeartbeatMs,
      retryMs: Math.max(1000, config.pollMs),
    },
  });
  const discovery = targetDiscovery(config.targets, config.discoveryMs, (targets) => poller.setTargets(targets), log);
  return serviceApp('monitoring', {
    async start() {
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      await poller.setTargets(await discoverTargets(config.targets));
      await poller.start();
      discovery.start();
      alerting.start();
      thumbnails?.start();
      const httpPort = await http.listen(config.host, config.httpPort);
      return { httpPort, grpcPort };
    },
    stop: () =>
      stopInOrder([
        [
          () => grpc.stop(),
          () => discovery.stop(),
          () => http.close(),
          async () => alerting.stop(),
          async () => thumbnails?.stop(),
        ],
        [() => poller.stop(), async () => feed.stop(), async () => webhook?.stop(), async () => rooms?.close()],
      ]),
  });
}
