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
}

/** The HTTP server of a realtime service: the WebSocket endpoint, `/healthz` and `/metrics`. */
export interface RealtimeHttp {
  /** Binds host:port (0 for a free port) and resolves to the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Closes the WebSockets (1001), then the HTTP server. */
  stop(): Promise<void>;
}

/** Creates the HTTP server on the shared error path (`createHttpApp`); WebSocket upgrades go to `ws`. */
export function createRealtimeHttp({ log, registry, ws, health }: RealtimeHttpOptions): RealtimeHttp {
  const httpLog = log.child({ component: 'http' });
  const app = createHttpApp({
    log: httpLog,
    registry,
    health: () => ({ status: 'ok', connections: ws.size, ...health() }),
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
