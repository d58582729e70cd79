import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '@onair/runtime';
import { parseUpgradeTarget, refuseUpgrade } from './upgrade-request.js';
import type { ConnContext } from './conn-context.js';
import { WsConn } from './ws-conn.js';

/** Options of {@link RealtimeWsServer}. */
export interface WsServerOptions {
  log: Logger;
  context: ConnContext;
  /** Largest frame a client may send, bytes; a larger one closes the socket with 1009. */
  maxFrameBytes: number;
  /** Path of the endpoint. @default "/ws" */
  path?: string;
}

/**
 * The WebSocket endpoint (RFC 6455) on an existing HTTP server: takes its `upgrade` events, refuses bad
 * targets with an HTTP error before the handshake, and keeps the set of open connections.
 */
export class RealtimeWsServer {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<WsConn>();
  private readonly log: Logger;
  private readonly path: string;
  private nextConn = 0;
  private closing = false;

  constructor(private readonly options: WsServerOptions) {
    this.log = options.log.child({ component: 'ws' });
    this.path = options.path ?? '/ws';
    // clientTracking off: `conns` already holds every connection (ws' own set would cost a close listener each).
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
    });
  }

  /** Serves the endpoint on `server`'s upgrade requests. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.log.info({ path: this.path, maxFrameBytes: this.options.maxFrameBytes }, 'listening');
  }

  /** Open connections. */
  get size(): number {
    return this.conns.size;
  }

  /**
   * Refuses new upgrades, closes every connection with 1001 (going away: clients reconnect elsewhere)
   * and waits for them, terminating those still open after `timeoutMs`.
   */
  async stop(timeoutMs = 3000): Promise<void> {
    this.closing = true;
    this.log.info({ connections: this.conns.size }, 'closing');
    const conns = [...this.conns];
    for (const conn of conns) conn.close('GOING_AWAY');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const timedOutFirst = await Promise.race([Promise.all(conns.map((c) => c.closed)).then(() => false), timedOut]);
    clearTimeout(timer);
    if (timedOutFirst) for (const conn of this.conns) conn.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.log.info('closed');
  }

  /** Logs an error of a socket still in its handshake; one function for all of them, removed once ws takes over. */
  private readonly onUpgradeError = (err: Error): void => this.log.debug({ err }, 'upgrade socket error');

  /** Drops a closed connection from `conns`. */
  private readonly forget = (conn: WsConn): void => {
    this.conns.delete(conn);
  };

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', this.onUpgradeError);
    if (this.closing) return refuseUpgrade(socket, { code: 'UNAVAILABLE', message: 'server shutting down' });
    const target = parseUpgradeTarget(req.url, this.path);
    if (!target.ok) {
      this.log.debug({ code: target.rejection.code, field: target.rejection.field }, 'upgrade refused');
      return refuseUpgrade(socket, target.rejection);
    }
    const { room } = target.value;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', this.onUpgradeError);
      const conn = new WsConn(ws, (++this.nextConn).toString(36), room, this.options.context, this.log, this.forget);
      this.conns.add(conn);
      conn.start();
    });
  }
}
