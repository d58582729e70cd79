import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from '@onair/runtime';

/** Options of {@link listen}. */
export interface ListenerOptions {
  host: string;
  /** TCP port; 0 asks the OS for a free one. */
  port: number;
  log: Logger;
  onSocket: (socket: Socket) => void;
  /** PEM certificate chain and key: accept RTMPS (RTMP inside TLS 1.2+) instead of plain RTMP. */
  tls?: { readonly cert: Buffer; readonly key: Buffer };
}

/** A bound TCP accept loop. */
export interface Listener {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting; resolves once every accepted socket has closed too. */
  close(): Promise<void>;
}

/**
 * Binds host:port and hands every accepted socket to `onSocket` (only the accept loop: connections belong to
 * the server). With `tls`, sockets are handed over once their TLS handshake is done; a failed handshake is
 * logged at debug and costs nothing more.
 * @throws the bind error (EADDRINUSE, EACCES), or a TLS error for an unusable certificate or key.
 */
export function listen({ host, port, log, onSocket, tls }: ListenerOptions): Promise<Listener> {
  let server: Server;
  if (tls) {
    const secure = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onSocket);
    secure.on('tlsClientError', (err) => log.debug({ err }, 'TLS handshake failed'));
    server = secure;
  } else {
    server = createServer({ noDelay: true }, onSocket);
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ err }, 'listener error'));
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      log.info({ host, port: bound, tls: tls !== undefined }, 'listening');
      resolve({
        port: bound,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
