import { SERVICE_KINDS } from '@onair/contracts';
import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { createMetricsRegistry, serviceApp, stopInOrder, type Logger, type ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import type { IngestRooms } from './admin/ingest-rooms.js';
import { TARGET_HEALTH, type TargetState } from './poller/target-state.js';
import { createAlerting } from './alerts/alerting.js';
import { AlertWebhook } from './alerts/alert-webhook.js';
import { createHttpServer } from './http/http-server.js';
import { createIngestRooms } from './admin/ingest-rooms.js';
import { registerStatusMetrics } from './metrics/status-metrics.js';
import { createPoller } from './poller/poller.js';
import { createGrpcProbe } from './poller/target-probe.js';
import { discoverTargets } from './poller/target-discovery.js';
import { targetDiscovery } from './poller/discovery-loop.js';
import { createModerationCollector, type ModerationTarget } from './moderation/moderation-collector.js';
import { ModerationLog } from './moderation/moderation-log.js';
import { createRecordStates } from './status/record-states.js';
import { createStatusFeed } from './status/status-feed.js';
import { StatusHistory } from './status/status-history.js';
import { buildStatusReport } from './status/status-report.js';
import { createThumbnailer } from './thumbnails/create-thumbnailer.js';
import { thumbnailRendition } from './thumbnails/thumbnail-rendition.js';

/**
 * Composition root: the gRPC server (health + Telemetry, so monitoring watches itself), the poller of
 * every target (the replicas behind each configured host name, found again every `discoveryMs`), the thumbnailer of
 * live rooms (unless `thumbnails` is off), the status feed and history its polls drive, the alert rules (and their
 * webhook), the live rooms' record state (ingest's RoomsService), the collector of their moderation actions (every
 * chat and danmaku target's ModerationService), and the HTTP server with the dashboard, /api/status, /api/alerts,
 * /api/moderation, /api/events, thumbnails, /metrics and the admin actions (through ingest's RoomsService, when
 * MONITORING_ADMIN_TOKEN is set). Ports: `httpPort`, `grpcPort`.
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
  // The record state and the admin actions go to the first ingest target as configured (a host name reaches any
  // replica: EndPublish finds the one holding the publish).
  const ingestAddress = config.targets.find((t) => t.name === 'ingest')?.address;
  const ingest = ingestAddress
    ? createIngestRooms(ingestAddress, config.ingestAdminToken || undefined, tls)
    : undefined;
  const liveRooms = (): string[] => feed.report().streams.map((s) => s.room);
  const records = ingest
    ? createRecordStates({ rooms: ingest, liveRooms, intervalMs: config.pollMs, onChange: () => feed.polled(), log })
    : undefined;
  const report = () =>
    buildStatusReport(
      poller.states(),
      Date.now(),
      (room) => thumbnails?.get(room)?.atMs ?? null,
      (room) => records?.get(room) ?? null,
    );
  const feed = createStatusFeed({
    build: report,
    history: new StatusHistory({ windowMs: config.historyMs, intervalMs: config.pollMs }),
  });
  registerStatusMetrics(registry, report);
  const rooms: IngestRooms | undefined =
    config.adminToken && ingest
      ? {
          ...ingest,
          setRecord: async (room, record) => {
            const answer = await ingest.setRecord(room, record);
            records?.set(answer);
            return answer;
          },
        }
      : undefined;
  const moderation = new ModerationLog({ capacity: config.moderationHistory });
  const collector = createModerationCollector({
    targets: () => moderationTargets(poller.states()),
    liveRooms,
    tokens: {
      chat: { token: config.chatServiceToken, variable: 'MONITORING_CHAT_SERVICE_TOKEN' },
      danmaku: { token: config.danmakuServiceToken, variable: 'MONITORING_DANMAKU_SERVICE_TOKEN' },
    },
    intervalMs: config.moderationPollMs,
    timeoutMs: config.pollTimeoutMs,
    tls,
    log,
    store: moderation,
  });
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
    moderation,
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
      records?.start();
      collector.start();
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
          async () => records?.stop(),
          async () => collector.stop(),
        ],
        [() => poller.stop(), async () => feed.stop(), async () => webhook?.stop(), async () => ingest?.close()],
      ]),
  });
}

/** The chat and danmaku targets answering health checks, by the service kind they report (else their name). */
function moderationTargets(states: readonly TargetState[]): ModerationTarget[] {
  return states.flatMap(({ target, health, stats }) => {
    const service = stats?.service ?? target.name;
    if (health !== TARGET_HEALTH.SERVING) return [];
    if (service !== SERVICE_KINDS.CHAT && service !== SERVICE_KINDS.DANMAKU) return [];
    return [{ name: target.name, address: target.address, service }];
  });
}
