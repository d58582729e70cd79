import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@onair/runtime';

/** Options of {@link listen}. */
export interface ListenerOptions {
  host: string;
  /** TCP port; 0 asks the OS for a free one. */
  port: number;
  log: Logger;
  onSocket: (socket: Socket) => void;
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
 * the server).
 * @throws the bind error (EADDRINUSE, EACCES).
 */
export function listen({ host, port, log, onSocket }: ListenerOptions): Promise<Listener> {
  const server: Server = createServer({ noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ err }, 'listener error'));
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      log.info({ host, port: bound }, 'listening');
      resolve({
        port: bound,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
