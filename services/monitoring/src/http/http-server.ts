import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { closeHttp, createHttpApp, listenHttp, type Logger } from '@onair/runtime';
import type { AlertsSnapshot } from '../alerts/alert-tracker.js';
import { ROOM_ID_PATTERN } from '@onair/contracts';
import type { StatusReport } from '../status/status-report.js';
import type { Thumbnail } from '../thumbnails/thumbnailer.js';
import { loadDashboardPage } from './dashboard-page.js';
import { registerAdminRoutes, type AdminRoutesOptions } from '../admin/admin-routes.js';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  log: Logger;
  /** Prometheus registry served on /metrics. */
  registry: Registry;
  /** Builds the current status report (called per request). */
  report: () => StatusReport;
  /** The firing alerts and their history (called per request). */
  alerts: () => AlertsSnapshot;
  /** A live room's latest thumbnail; undefined when it has none. */
  thumbnail: (room: string) => Thumbnail | undefined;
  /** The admin API's token and ingest client (see registerAdminRoutes). */
  admin: Omit<AdminRoutesOptions, 'log'>;
}

/** Monitoring's HTTP server: the dashboard, the JSON status, Prometheus metrics and liveness. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting and closes once in-flight requests are answered. */
  close(): Promise<void>;
}

/**
 * Creates the HTTP server (RFC 9110): `GET /` dashboard page, `GET /api/status` the {@link StatusReport}
 * as JSON, `GET /api/alerts` the {@link AlertsSnapshot} as JSON, `GET /api/rooms/<room>/thumbnail.jpg` a live room's
 * latest thumbnail (image/jpeg, cached 5 s; 404 when the room has none or the id does not match ROOM_ID_PATTERN),
 * `GET /metrics` Prometheus text, `GET /healthz` liveness ("ok" while the process serves), and the admin actions
 * under `POST /api/admin/rooms/<room>/…` (see registerAdminRoutes).
 */
export function createHttpServer({ log, registry, report, alerts, thumbnail, admin }: HttpServerOptions): HttpServer {
  const httpLog = log.child({ component: 'http' });
  const dashboard = loadDashboardPage();
  const app = createHttpApp({ log: httpLog, registry });
  app.get('/', (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(dashboard),
  );
  app.get('/api/status', (_req, reply) => reply.header('cache-control', 'no-store').send(report()));
  app.get('/api/alerts', (_req, reply) => reply.header('cache-control', 'no-store').send(alerts()));
  app.get<{ Params: { room: string } }>('/api/rooms/:room/thumbnail.jpg', (req, reply) => {
    const found = ROOM_ID_PATTERN.test(req.params.room) ? thumbnail(req.params.room) : undefined;
    if (!found) return reply.code(404).header('cache-control', 'no-store').send({ error: 'no thumbnail' });
    return reply
      .type('image/jpeg')
      .header('cache-control', 'max-age=5')
      .header('last-modified', new Date(found.atMs).toUTCString())
      .send(found.jpeg);
  });
  app.get('/healthz', (_req, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
  registerAdminRoutes(app, { log, ...admin });
  return {
    app,
    listen: (host, port) => listenHttp(app, host, port, httpLog),
    close: () => closeHttp(app, httpLog),
  };
}
