import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { closeHttp, createHttpApp, listenHttp, type Logger } from '@onair/runtime';
import { registerHlsRoutes, type HlsRoutesDeps } from '../hls/hls-routes.js';
import type { RelayMetrics } from '../telemetry/relay-metrics.js';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions extends HlsRoutesDeps {
  log: Logger;
  registry: Registry;
  metrics: RelayMetrics;
  /** Body of `GET /healthz` (200 while the server runs). */
  health: () => Record<string, unknown>;
}

/** The relay's HTTP server: HLS, `/healthz`, `/metrics`. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting, lets in-flight responses finish, closes idle keep-alive connections. */
  stop(): Promise<void>;
}

/** CORS (Fetch standard §3.2) so browser players such as hls.js can read the relay from any origin. */
const CORS_PREFLIGHT = {
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-max-age': '86400',
} as const;

/**
 * Creates the HTTP server on the shared error path (`createHttpApp`). Every response carries
 * `Access-Control-Allow-Origin: *`; error responses carry `Cache-Control: no-store` so a 404 for a segment that is
 * about to exist is never cached.
 */
export function createHttpServer({ log, registry, metrics, health, ...hls }: HttpServerOptions): HttpServer {
  const httpLog = log.child({ component: 'http' });
  const app = createHttpApp({
    log: httpLog,
    registry,
    health: () => ({ status: 'ok', ...health() }),
    errorHeaders: { 'access-control-allow-origin': '*', 'cache-control': 'no-store' },
    server: { requestTimeout: 30_000 },
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    if (reply.statusCode >= 400) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    const length = Number(reply.getHeader('content-length'));
    if (req.method !== 'HEAD' && length > 0) metrics.bytes.inc({ route }, length);
  });
  app.options('/*', async (req, reply) => {
    const headers = req.headers['access-control-request-headers'];
    reply.headers(CORS_PREFLIGHT);
    if (headers) reply.header('access-control-allow-headers', headers);
    return reply.code(204).send();
  });
  registerHlsRoutes(app, hls);

  return {
    app,
    listen: (host, port) => listenHttp(app, host, port, httpLog),
    stop: () => closeHttp(app, httpLog),
  };
}
