import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@onair/runtime';
import { HttpConn, type ConnLimits, type HttpHandler } from './conn.js';

/** Options of {@link HttpServer}. */
export interface HttpServerOptions {
  handler: HttpHandler;
  log: Logger;
  /** @default 8192 bytes, 16 pipelined requests, 10 s head timeout, 65 s idle timeout, 4 MiB unsent */
  limits?: Partial<ConnLimits>;
  /** Open connections allowed; more are closed at once. @default 100000 */
  maxConnections?: number;
}

const DEFAULT_LIMITS: ConnLimits = {
  maxHeadBytes: 8192,
  maxPipelined: 16,
  headTimeoutMs: 10_000,
  idleTimeoutMs: 65_000,
  maxUnsentBytes: 4 * 1024 * 1024,
};

/**
 * The relay's plain HTTP/1.1 server (RFC 9112), of its own rather than node:http, because serving playlists is the
 * relay's hot path: every viewer asks for one several times a second, and node:http's request and response objects
 * cost more per request than the rest of the answer (measured in bench/ll-hls). It serves the requests a player and a
 * scraper send (GET, HEAD, OPTIONS, no request body) over kept-alive and pipelined connections; the handler decides
 * every answer. The server owns the connection set and its lifecycle; each {@link HttpConn} owns one connection.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly conns = new Set<HttpConn>();
  private readonly limits: ConnLimits;
  private readonly log: Logger;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: HttpServerOptions) {
    this.log = options.log;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.log.error({ err }, 'listener error'));
  }

  /** Open connections. */
  get connections(): number {
    return this.conns.size;
  }

  /**
   * Binds host:port (0: a port the OS picks) and logs `listening`.
   * @returns the bound port.
   * @throws the bind error (EADDRINUSE, EACCES).
   */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const { headTimeoutMs, idleTimeoutMs } = this.limits;
        this.sweeper = setInterval(() => this.expire(), Math.max(10, Math.min(headTimeoutMs, idleTimeoutMs) / 4));
        this.sweeper.unref();
        const address = this.server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        this.log.info({ host, port: bound }, 'listening');
        resolve(bound);
      });
    });
  }

  /**
   * Stops accepting, ends idle connections at once and the others after the responses in flight, and destroys what
   * is still open after `timeoutMs`. Resolves once every connection has closed.
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.log.info({ connections: this.conns.size }, 'closing');
    clearInterval(this.sweeper);
    const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.conns) conn.drain();
    const timer = setTimeout(() => {
      for (const conn of this.conns) conn.destroy();
    }, timeoutMs);
    await Promise.all([listening, ...[...this.conns].map((c) => c.closed)]);
    clearTimeout(timer);
    this.log.info('closed');
  }

  /** Closes slow heads and idle connections: checked every quarter of the shorter timeout. */
  private expire(): void {
    const now = Date.now();
    for (const conn of this.conns) conn.expire(now);
  }

  private accept(socket: Socket): void {
    if (this.conns.size >= (this.options.maxConnections ?? 100_000)) {
      socket.destroy();
      return;
    }
    const conn = new HttpConn(socket, this.options.handler, this.limits, this.log);
    this.conns.add(conn);
    void conn.closed.then(() => this.conns.delete(conn));
  }
}
