import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@onair/runtime';
import type { HlsAnswer } from '../hls/hls-answer.js';
import { HttpServer } from '../servers/http/server.js';
import { relayRoutes, type RelayRequest, type RelayRoutesOptions } from './relay-routes.js';

/** Certificate and key files of the relay's optional HTTPS listener (PEM). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** How long open HTTPS connections may take to end after a stop, ms; then they are destroyed. */
const CLOSE_GRACE_MS = 5000;

/** Options of {@link createRelayHttp}. */
export interface RelayHttpOptions extends RelayRoutesOptions {
  log: Logger;
}

/** The relay's HTTP listeners: plain HTTP/1.1, and optionally HTTPS with HTTP/2. */
export interface RelayHttp {
  /** Binds the plain HTTP/1.1 listener; resolves to its port. @throws the bind error. */
  listen(host: string, port: number): Promise<number>;
  /**
   * Binds an HTTPS listener (TLS 1.2+, ALPN `h2` and `http/1.1`) with the certificate and key read from `tls`;
   * resolves to its port. Browsers speak HTTP/2 only over TLS, and a page served over HTTPS can load only HTTPS media.
   * @throws when a file cannot be read, the certificate and key do not match, or the bind fails.
   */
  listenTls(host: string, port: number, tls: TlsFiles): Promise<number>;
  /** Stops accepting and closes every connection after the responses in flight. */
  stop(): Promise<void>;
}

/**
 * The relay's HTTP side: {@link relayRoutes} served over its own HTTP/1.1 server (see HttpServer), and over
 * node:http2's secure server (HTTP/2, and HTTP/1.1 for clients without ALPN h2) when TLS is configured.
 */
export function createRelayHttp({ log, ...routes }: RelayHttpOptions): RelayHttp {
  const httpLog = log.child({ component: 'http' });
  const route = relayRoutes(routes);
  const plain = new HttpServer({
    log: httpLog,
    handler: (request, client) =>
      route({
        method: request.method,
        target: request.target,
        userAgent: request.headers.get('user-agent') ?? '',
        remoteAddress: client.remoteAddress,
        connection: client.connection,
        accessControlRequestHeaders: request.headers.get('access-control-request-headers'),
      }),
  });
  let secure: Http2SecureServer | undefined;
  const tlsSockets = new Set<TLSSocket>();
  const tlsLog = log.child({ component: 'https' });
  return {
    listen: (host, port) => plain.listen(host, port),
    async listenTls(host, port, { certFile, keyFile }) {
      const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
      const server = createSecureServer({ cert, key, allowHTTP1: true, minVersion: 'TLSv1.2' }, (req, res) =>
        serveCompat(route, req, res),
      );
      secure = server;
      server.on('secureConnection', (socket: TLSSocket) => {
        tlsSockets.add(socket);
        socket.once('close', () => tlsSockets.delete(socket));
      });
      server.on('sessionError', (err) => tlsLog.debug({ err }, 'session error'));
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          const bound = typeof address === 'object' && address ? address.port : port;
          tlsLog.info({ host, port: bound, alpn: ['h2', 'http/1.1'] }, 'listening');
          resolve(bound);
        });
      });
    },
    async stop() {
      const closing = [plain.close()];
      if (secure) {
        const server = secure;
        tlsLog.info('closing');
        closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
        // Clients that keep their connections open do not hold the stop up for long.
        const timer = setTimeout(() => {
          for (const socket of tlsSockets) socket.destroy();
        }, CLOSE_GRACE_MS);
        timer.unref();
      }
      await Promise.all(closing);
      tlsLog.info('closed');
    },
  };
}

/** Answers a request of node's HTTP/2 compatibility API (HTTP/2 or HTTP/1.1 over TLS) with the routes. */
function serveCompat(
  route: (req: RelayRequest) => HlsAnswer | Promise<HlsAnswer>,
  req: Http2ServerRequest | IncomingMessage,
  res: Http2ServerResponse | ServerResponse,
): void {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const answered = route({
    method: req.method ?? '',
    target: req.url ?? '',
    userAgent: header('user-agent') ?? '',
    remoteAddress: req.socket.remoteAddress ?? '',
    // One HTTP/2 session carries many requests: it is the client's connection.
    connection: 'stream' in req ? (req.stream.session ?? req.socket) : req.socket,
    accessControlRequestHeaders: header('access-control-request-headers'),
  });
  const write = (a: HlsAnswer): void => {
    if (res.writableEnded || res.destroyed) return;
    (res as ServerResponse).writeHead(
      a.status,
      Object.fromEntries([...a.headers, ['content-length', String(a.body.length)]]),
    );
    if (req.method === 'HEAD') res.end();
    else res.end(a.body);
  };
  if (answered instanceof Promise) void answered.then(write);
  else write(answered);
}
