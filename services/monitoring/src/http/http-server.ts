import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { closeHttp, createHttpApp, listenHttp, OnairError, replyError, type Logger } from '@onair/runtime';
import type { AlertsSnapshot } from '../alerts/alert-tracker.js';
import { ROOM_ID_PATTERN } from '@onair/contracts';
import type { StatusFeed } from '../status/status-feed.js';
import type { ModerationLog } from '../moderation/moderation-log.js';
import type { DashboardSnapshot, ModerationActions, StatusReport } from '../status/status-types.js';
import type { Thumbnail } from '../thumbnails/thumbnailer.js';
import { DASHBOARD_CSP, loadDashboardFiles } from './dashboard-page.js';
import { formatSseEvent } from './sse.js';
import { createSseHub } from './sse-hub.js';
import { registerAdminRoutes, type AdminRoutesOptions } from '../admin/admin-routes.js';

/** Limits of `GET /api/events`. */
export interface EventsOptions {
  /** Concurrent dashboard streams at most; one more is answered 503. */
  maxClients: number;
  /** Bytes a stream may have unsent; past it the client is dropped. */
  maxBufferBytes: number;
  /** Heartbeat comment interval, ms. */
  heartbeatMs: number;
  /** Reconnection time sent to browsers (`retry:`), ms. */
  retryMs: number;
}

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  log: Logger;
  /** Prometheus registry served on /metrics. */
  registry: Registry;
  /** Builds the current status report (called per request). */
  report: () => StatusReport;
  /** The firing alerts and their history (called per request). */
  alerts: () => AlertsSnapshot;
  /** The recent moderation actions of live rooms, and the new ones as they come. */
  moderation: Pick<ModerationLog, 'recent' | 'subscribe'>;
  /** A live room's latest thumbnail; undefined when it has none. */
  thumbnail: (room: string) => Thumbnail | undefined;
  /** The admin API's token and ingest client (see registerAdminRoutes). */
  admin: Omit<AdminRoutesOptions, 'log'>;
  /** Subscribes to alerts that fire or resolve; returns the function that unsubscribes. */
  onAlertChange: (listener: () => void) => () => void;
  /** The reports and history pushed on `GET /api/events`. */
  feed: StatusFeed;
  events: EventsOptions;
}

/** Monitoring's HTTP server: the dashboard, the JSON status and its event stream, Prometheus metrics and liveness. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Ends the event streams, stops accepting and closes once in-flight requests are answered. */
  close(): Promise<void>;
}

/**
 * Creates the HTTP server (RFC 9110): `GET /`, `/dashboard.css`, `/dashboard.js` the dashboard under a strict
 * Content-Security-Policy; `GET /api/status` the {@link StatusReport} as JSON; `GET /api/alerts` the
 * {@link AlertsSnapshot} as JSON; `GET /api/moderation` the recent {@link ModerationActions} as JSON;
 * `GET /api/events` Server-Sent Events (WHATWG HTML §9.2): a `snapshot` event ({@link DashboardSnapshot}: report,
 * history and recent moderation actions) on connect, then a `status` event per changed poll round, an `alerts` event
 * (the {@link AlertsSnapshot}) whenever an alert fires or resolves and a `moderation` event ({@link ModerationActions},
 * the new ones) whenever moderation actions are collected; 503 UNAVAILABLE when `maxClients` streams are open;
 * `GET /api/rooms/<room>/thumbnail.jpg` a live room's latest thumbnail (image/jpeg, cached 5 s; 404 when the room has
 * none or the id does not match ROOM_ID_PATTERN); `GET /metrics` Prometheus text; `GET /healthz` liveness; and the
 * admin actions under `POST /api/admin/rooms/<room>/…` (see registerAdminRoutes).
 */
export function createHttpServer({
  log,
  registry,
  report,
  alerts,
  moderation,
  onAlertChange,
  thumbnail,
  admin,
  feed,
  events,
}: HttpServerOptions): HttpServer {
  const httpLog = log.child({ component: 'http' });
  const files = loadDashboardFiles();
  const hub = createSseHub({ log, ...events });
  const unsubscribe = feed.subscribe((update) =>
    hub.broadcast(formatSseEvent({ event: 'status', data: JSON.stringify(update) })),
  );
  const unsubscribeAlerts = onAlertChange(() =>
    hub.broadcast(formatSseEvent({ event: 'alerts', data: JSON.stringify(alerts()) })),
  );
  const unsubscribeModeration = moderation.subscribe((added) =>
    hub.broadcast(
      formatSseEvent({ event: 'moderation', data: JSON.stringify({ actions: added } satisfies ModerationActions) }),
    ),
  );
  const app = createHttpApp({ log: httpLog, registry });
  for (const [path, file] of files) {
    app.get(path, (_req, reply) =>
      reply
        .type(file.type)
        .header('cache-control', 'no-cache')
        .header('content-security-policy', DASHBOARD_CSP)
        .header('x-content-type-options', 'nosniff')
        .send(file.body),
    );
  }
  app.get('/api/status', (_req, reply) => reply.header('cache-control', 'no-store').send(report()));
  app.get('/api/alerts', (_req, reply) => reply.header('cache-control', 'no-store').send(alerts()));
  app.get('/api/moderation', (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ actions: moderation.recent() } satisfies ModerationActions),
  );
  app.get('/api/events', (_req, reply) => {
    if (hub.full) {
      return replyError(
        reply.header('retry-after', String(Math.ceil(events.retryMs / 1000))),
        new OnairError('UNAVAILABLE', 'too many dashboard event streams'),
      );
    }
    reply.hijack();
    const snapshot: DashboardSnapshot = { ...feed.snapshot(), moderation: moderation.recent() };
    const first = formatSseEvent({ event: 'snapshot', data: JSON.stringify(snapshot), retryMs: events.retryMs });
    hub.open(reply.raw, first);
    return reply;
  });
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
  app.addHook('preClose', (done) => {
    unsubscribe();
    unsubscribeAlerts();
    unsubscribeModeration();
    hub.close();
    done();
  });
  return {
    app,
    listen: (host, port) => listenHttp(app, host, port, httpLog),
    close: () => closeHttp(app, httpLog),
  };
}
