import { createGrpcServer, grpcTlsOf } from '@onair/grpc-kit';
import { createMetricsRegistry, serviceApp, stopInOrder, type Logger, type ServiceApp } from '@onair/runtime';
import type { Config } from './config.js';
import { createAlerting } from './alerts/alerting.js';
import { AlertWebhook } from './alerts/alert-webhook.js';
import { createHttpServer } from './http/http-server.js';
import { registerStatusMetrics } from './metrics/status-metrics.js';
import { createPoller } from './poller/poller.js';
import { createGrpcProbe } from './poller/target-probe.js';
import { discoverTargets } from './poller/target-discovery.js';
import { targetDiscovery } from './poller/discovery-loop.js';
import { createStatusFeed } from './status/status-feed.js';
import { StatusHistory } from './status/status-history.js';
import { buildStatusReport } from './status/status-report.js';

/**
 * Composition root: the gRPC server (health + Telemetry, so monitoring watches itself), the poller of
 * every target (the replicas behind each configured host name, found again every `discoveryMs`), the status
 * feed and history its polls drive, the alerting, and the HTTP server with the dashboard, /api/status, /api/alerts,
 * /api/events and /metrics. Ports: `httpPort`, `grpcPort`.
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
  const report = () => buildStatusReport(poller.states(), Date.now());
  const feed = createStatusFeed({
    build: report,
    history: new StatusHistory({ windowMs: config.historyMs, intervalMs: config.pollMs }),
  });
  const registry = createMetricsRegistry('monitoring');
  registerStatusMetrics(registry, report);
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
      const httpPort = await http.listen(config.host, config.httpPort);
      return { httpPort, grpcPort };
    },
    stop: () =>
      stopInOrder([
        [() => grpc.stop(), () => discovery.stop(), () => http.close(), async () => alerting.stop()],
        [() => poller.stop(), async () => feed.stop(), async () => webhook?.stop()],
      ]),
  });
}
