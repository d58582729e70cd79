/**
 * The closed catalogue of expected failures. Each code maps once to a gRPC status (grpc/doc/statuscodes.md),
 * an HTTP status (RFC 9110 §15) and a WebSocket close code (RFC 6455 §7.4). All new errors are described here.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { grpc: 3, http: 400, ws: 1008 },
  NOT_FOUND: { grpc: 5, http: 404, ws: 1008 },
  ALREADY_EXISTS: { grpc: 6, http: 409, ws: 1008 },
  PERMISSION_DENIED: { grpc: 7, http: 403, ws: 1008 },
  UNAUTHENTICATED: { grpc: 16, http: 401, ws: 1008 },
  RATE_LIMITED: { grpc: 8, http: 429, ws: 1008 },
  PAYLOAD_TOO_LARGE: { grpc: 8, http: 413, ws: 1009 },
  UNAVAILABLE: { grpc: 14, http: 503, ws: 1013 },
  INTERNAL: { grpc: 13, http: 500, ws: 1011 },
} as const;

/** One of {@link ERROR_CODES}' keys. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure with a code from the catalogue; its message is safe to show to clients. */
export class OnairError extends Error {
  override readonly name = 'OnairError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** gRPC status code number. */
  get grpcStatus(): number {
    return ERROR_CODES[this.code].grpc;
  }

  /** HTTP status. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** WebSocket close code. */
  get wsCloseCode(): number {
    return ERROR_CODES[this.code].ws;
  }
}

/**
 * Turns anything thrown into an OnairError: OnairErrors pass through, anything else becomes INTERNAL
 * with a generic message (the original stays in `cause` for the log, never for the client).
 */
export function toOnairError(err: unknown): OnairError {
  if (err instanceof OnairError) return err;
  return new OnairError('INTERNAL', 'internal error', { cause: err });
}
