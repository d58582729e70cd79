import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { errorBody, OnairError, type ErrorCode } from './errors.js';
import { registerMetricsRoute } from './metrics.js';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** The component's logger (`component: "http"`); unknown errors are logged on it. */
  log: Logger;
  /** Served on `GET /metrics` when given. */
  registry?: Registry;
  /** Body of `GET /healthz` (200 while the process serves) when given. */
  health?: () => unknown;
  /** Headers every error response carries besides the body (e.g. CORS, `cache-control: no-store`). */
  errorHeaders?: Readonly<Record<string, string>>;
  /** fastify server options (timeouts); the logger is always off, pino lines come from `log`. */
  server?: Omit<FastifyServerOptions, 'logger' | 'frameworkErrors'>;
}

/** The catalogue code of a 4xx status fastify reports (a malformed request, a body over its limit). */
function clientErrorCode(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  return 'INVALID_ARGUMENT';
}

/** Fixed messages for what fastify rejects, so nothing of the request (path, headers) is echoed back. */
const CLIENT_ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'not found',
  PAYLOAD_TOO_LARGE: 'request body too large',
  RATE_LIMITED: 'too many requests',
  INVALID_ARGUMENT: 'bad request',
};

/**
 * Answers an error with its catalogue status and the one body shape, `{ error, message, field? }` (see
 * {@link errorBody}); a route calls it for an expected failure, e.g. `replyError(reply, new OnairError('NOT_FOUND',
 * 'segment not found'))`.
 */
export function replyError(reply: FastifyReply, err: OnairError): FastifyReply {
  return reply.code(err.httpStatus).send(err.toBody());
}

/**
 * A fastify app with the one error path of every service (RFC 9110 §15): an {@link OnairError} thrown by a route is
 * answered with its status and body; what fastify itself refuses (malformed URL encoding, a bad body) gets a 4xx
 * with a fixed message; an unknown route 404 NOT_FOUND; anything else is logged and answered 500 INTERNAL
 * "internal error", never detailed. Optionally `GET /metrics` and `GET /healthz`.
 */
export function createHttpApp({
  log,
  registry,
  health,
  errorHeaders = {},
  server = {},
}: HttpAppOptions): FastifyInstance {
  const answer = (reply: FastifyReply, code: ErrorCode, status: number, message: string): FastifyReply =>
    reply.code(status).headers(errorHeaders).send(errorBody(code, message));
  const app = Fastify({
    ...server,
    logger: false,
    // Malformed percent-encoding or an over-long parameter never reaches a route.
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode ?? 400;
      const code = clientErrorCode(status);
      void answer(reply, code, status, CLIENT_ERROR_MESSAGES[code] ?? 'bad request');
    },
  });
  app.setNotFoundHandler(async (_req, reply) => answer(reply, 'NOT_FOUND', 404, 'not found'));
  app.setErrorHandler(async (err: FastifyError | OnairError, req, reply) => {
    if (err instanceof OnairError && err.code !== 'INTERNAL') {
      return reply.code(err.httpStatus).headers(errorHeaders).send(err.toBody());
    }
    const status = err instanceof OnairError ? 500 : (err.statusCode ?? 500);
    if (status < 500) {
      const code = clientErrorCode(status);
      return answer(reply, code, status, CLIENT_ERROR_MESSAGES[code] ?? 'bad request');
    }
    log.error({ err, method: req.method, url: req.url }, 'request failed');
    return answer(reply, 'INTERNAL', 500, 'internal error');
  });
  if (registry) registerMetricsRoute(app, registry);
  if (health) app.get('/healthz', async () => health());
  return app;
}

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
