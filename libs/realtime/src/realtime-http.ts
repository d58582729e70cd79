import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import { closeHttp, listenHttp, registerMetricsRoute, type Logger } from '@onair/runtime';
import type { RealtimeWsServer } from './ws-server.js';

/** Options of {@link createRealtimeHttp}. */
export interface RealtimeHttpOptions {
  log: Logger;
  registry: Registry;
  ws: RealtimeWsServer;
  /** Body of `GET /healthz` (200 while the server runs). */
  health: () => Record<string, unknown>;
}

/** The HTTP server of a realtime service: the WebSocket endpoint, `/healthz` and `/metrics`. */
export interface RealtimeHttp {
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Closes the WebSockets (1001), then the HTTP server. */
  stop(): Promise<void>;
}

/** Creates the HTTP server; WebSocket upgrades go to `ws`, unknown errors are answered 500 without detail. */
export function createRealtimeHttp({ log, registry, ws, health }: RealtimeHttpOptions): RealtimeHttp {
  const httpLog = log.child({ component: 'http' });
  const app = Fastify({ logger: false });
  registerMetricsRoute(app, registry);
  app.get('/healthz', async () => ({ status: 'ok', connections: ws.size, ...health() }));
  app.setErrorHandler((err, _req, reply) => {
    httpLog.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
  });
  ws.attach(app.server);
  return {
    listen: (host, port) => listenHttp(app, host, port, httpLog),
    async stop() {
      await ws.stop();
      await closeHttp(app, httpLog);
    },
  };
}
