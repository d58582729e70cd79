import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { closeHttp, createHttpApp, listenHttp, type Logger } from '@onair/runtime';
import type { RealtimeWsServer } from './ws-server.js';

/** Options of {@link createRealtimeHttp}. */
export interface RealtimeHttpOptions {
  log: Logger;
  registry: Registry;
  ws: RealtimeWsServer;
  /** Body of `GET /healthz` (200 while the server runs). */
  health: () => Record<string, unknown>;
  /** Registers the service's own routes (e.g. danmaku's replay API) on the app before it listens. */
  routes?: ((app: FastifyInstance) => void) | undefined;
}

/** The HTTP server of a realtime service: the WebSocket endpoint, `/healthz` and `/metrics`. */
export interface RealtimeHttp {
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Closes the WebSockets (1001), then the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Creates the HTTP server on the shared error path (`createHttpApp`) with the service's own `routes`; WebSocket
 * upgrades go to `ws`.
 */
export function createRealtimeHttp({ log, registry, ws, health, routes }: RealtimeHttpOptions): RealtimeHttp {
  const httpLog = log.child({ component: 'http' });
  const app = createHttpApp({
    log: httpLog,
    registry,
    health: () => ({ status: 'ok', connections: ws.size, ...health() }),
  });
  routes?.(app);
  ws.attach(app.server);
  return {
    listen: (host, port) => listenHttp(app, host, port, httpLog),
    async stop() {
      await ws.stop();
      await closeHttp(app, httpLog);
    },
  };
}
