import { createGrpcServer } from '@onair/grpc-kit';
import { createMetricsRegistry, stopAll, type Logger, type Runnable } from '@onair/runtime';
import type { Config } from './config.js';
import { createHttpServer } from './http/http-server.js';
import { registerStatusMetrics } from './metrics/status-metrics.js';
import { createPoller } from './poller/poller.js';
import { buildStatusReport } from './status/status-report.js';

/** The ports monitoring listens on once started (the real ones when the config asked for 0). */
export interface BoundPorts {
  httpPort: number;
  grpcPort: number;
}

/** The monitoring service: a {@link Runnable} that also tells the ports it bound. */
export interface MonitoringApp extends Runnable {
  /** Bound ports; valid after start() resolved. */
  ports(): BoundPorts;
}

/**
 * Composition root: the gRPC server (health + Telemetry, so monitoring watches itself), the poller of
 * every target, and the HTTP server with the dashboard, /api/status and /metrics.
 */
export function createApp(config: Config, log: Logger): MonitoringApp {
  const grpc = createGrpcServer({ log, service: 'monitoring', roomStats: () => [] });
  const poller = createPoller({ targets: config.targets, pollMs: config.pollMs, timeoutMs: config.pollTimeoutMs, log });
  const report = () => buildStatusReport(poller.states(), Date.now());
  const registry = createMetricsRegistry('monitoring');
  registerStatusMetrics(registry, report);
  const http = createHttpServer({ log, registry, report });
  const ports: BoundPorts = { httpPort: config.httpPort, grpcPort: config.grpcPort };

  return {
    ports: () => ({ ...ports }),
    async start() {
      ports.grpcPort = await grpc.listen(config.host, config.grpcPort);
      await poller.start();
      ports.httpPort = await http.listen(config.host, config.httpPort);
      log.info({ ...ports }, 'started');
    },
    async stop() {
      await stopAll([() => grpc.stop(), () => poller.stop(), () => http.close()]);
    },
  };
}
