import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * Binds a fastify app to host:port (0 asks the OS for a free port) and logs `listening` on `log`.
 * @returns the bound port.
 * @throws the listen error (e.g. EADDRINUSE).
 */
export async function listenHttp(app: FastifyInstance, host: string, port: number, log: Logger): Promise<number> {
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  log.info({ host, port: bound }, 'listening');
  return bound;
}

/** Closes a fastify app (stops accepting, answers in-flight requests), logging `closing` and `closed`. */
export async function closeHttp(app: FastifyInstance, log: Logger): Promise<void> {
  log.info('closing');
  await app.close();
  log.info('closed');
}
