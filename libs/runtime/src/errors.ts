/**
 * The closed catalogue of expected failures, and the only way an error leaves a service. Each code maps once to a
 * gRPC status (grpc/doc/statuscodes.md) and an HTTP status (RFC 9110 §15); `doc` says when it happens. All new
 * errors are described here (docs/errors.md is generated from this table). Codes are listed in the order a client
 * would check them; where two share a gRPC status, the first is what a client maps that status back to.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { grpc: 3, http: 400, doc: 'The request or one of its fields is malformed; `field` names it.' },
  UNAUTHENTICATED: { grpc: 16, http: 401, doc: 'No credentials, or wrong ones (admin token, service token).' },
  PERMISSION_DENIED: { grpc: 7, http: 403, doc: 'The caller is known but may not do this.' },
  FORBIDDEN: {
    grpc: 7,
    http: 403,
    doc: "The room's settings keep this poster out (followers or subscribers only, no guests) or the action needs a moderator.",
  },
  BANNED: {
    grpc: 7,
    http: 403,
    doc: 'The poster is banned or timed out in the room; `untilMs` says until when (absent: until unbanned).',
  },
  BLOCKED_TERM: { grpc: 3, http: 422, doc: 'The text holds a term the room blocks; change it and post again.' },
  HELD_FOR_REVIEW: {
    grpc: 9,
    http: 202,
    doc: 'The post holds a term the room reviews; a moderator approves or denies it, and only then is it delivered.',
  },
  NOT_FOUND: { grpc: 5, http: 404, doc: 'No such room, stream, rendition, segment or endpoint.' },
  ALREADY_EXISTS: { grpc: 6, http: 409, doc: 'The id is taken (a room).' },
  NOT_LIVE: {
    grpc: 9,
    http: 409,
    doc: "The post names a publish that is not the room's live one (the stream ended or restarted); replays are read-only.",
  },
  RATE_LIMITED: {
    grpc: 8,
    http: 429,
    doc:
      'Too many requests or frames; slow down and retry. On posts, `scope` says whose limit (`connection`, `user`, ' +
      '`room`) and `retryAfterMs` when the next post would pass.',
  },
  SLOW_MODE: {
    grpc: 8,
    http: 429,
    doc: "The room is in slow mode and the poster's last post is too recent; `waitMs` says how long to wait.",
  },
  DUPLICATE: {
    grpc: 8,
    http: 429,
    doc:
      'The poster sent the same text (trimmed, case-folded, whitespace collapsed) moments ago; `retryAfterMs` says ' +
      'when it would pass again. Nothing was stored.',
  },
  PAYLOAD_TOO_LARGE: { grpc: 8, http: 413, doc: 'A message or frame over the size limit.' },
  TOO_SLOW: {
    grpc: 8,
    http: 503,
    doc: 'A subscriber or viewer fell too far behind and was cut off; subscribe again.',
  },
  UNAVAILABLE: { grpc: 14, http: 503, doc: 'Not now: starting, shutting down, or a dependency is down; retry.' },
  INTERNAL: { grpc: 13, http: 500, doc: 'A bug; logged by the service, never detailed to the client.' },
} as const;

/** One of {@link ERROR_CODES}' keys. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Why a service closes a WebSocket (RFC 6455 §7.4: 1000-2999 are the protocol's, 4000-4999 the application's), the
 * close reason it sends (empty where the WebSocket library closes by itself), and whether the client should
 * reconnect (with backoff) or not, as Centrifugo's disconnect codes say.
 */
export const CLOSE_CODES = {
  GOING_AWAY: {
    code: 1001,
    reason: 'server shutting down',
    reconnect: true,
    doc: 'The instance is stopping; reconnect (another instance takes the client).',
  },
  POLICY_VIOLATION: {
    code: 1008,
    reason: 'rate limit exceeded',
    reconnect: false,
    doc: 'The client flooded (10× its rate limit); do not reconnect at once.',
  },
  MESSAGE_TOO_BIG: {
    code: 1009,
    reason: '',
    reconnect: false,
    doc: 'A frame over the size limit (`limits.maxFrameBytes` in the welcome).',
  },
  INTERNAL_ERROR: {
    code: 1011,
    reason: 'internal error',
    reconnect: true,
    doc: 'The server failed; reconnect with backoff.',
  },
  TRY_AGAIN_LATER: {
    code: 1013,
    reason: 'too far behind',
    reconnect: true,
    doc: 'The client did not read fast enough and fell too far behind; reconnect.',
  },
  TOKEN_EXPIRED: {
    code: 4001,
    reason: 'token expired',
    reconnect: true,
    doc: 'The token of the hello expired and no fresh hello came before; reconnect with a fresh token.',
  },
  NO_HELLO: {
    code: 4002,
    reason: 'no hello',
    reconnect: true,
    doc: 'No hello came within 10 s of opening; reconnect and send `{"type":"hello"}` first.',
  },
} as const;

/** One of {@link CLOSE_CODES}' keys. */
export type CloseCode = keyof typeof CLOSE_CODES;

/** The body of every HTTP error response of every service (and of refused WebSocket upgrades). */
export interface ErrorBody {
  /** The catalogue code. */
  readonly error: ErrorCode;
  /** Safe to show to the client; never holds a secret or an internal detail. */
  readonly message: string;
  /** The input field at fault, when one is. */
  readonly field?: string;
}

/** An expected failure with a code from the catalogue; its message is safe to show to clients. */
export class OnairError extends Error {
  override readonly name = 'OnairError';
  /** The input field at fault, e.g. "room"; absent when the request as a whole is at fault. */
  readonly field: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options);
    this.field = options?.field;
  }

  /** gRPC status code number. */
  get grpcStatus(): number {
    return ERROR_CODES[this.code].grpc;
  }

  /** HTTP status. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** The HTTP body: `{ error, message, field? }`. */
  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.field);
  }
}

/** `{ error, message, field? }`, the one error body shape. */
export function errorBody(code: ErrorCode, message: string, field?: string): ErrorBody {
  return field === undefined ? { error: code, message } : { error: code, message, field };
}

/**
 * Turns anything thrown into an OnairError: OnairErrors pass through, anything else becomes INTERNAL
 * with a generic message (the original stays in `cause` for the log, never for the client).
 */
export function toOnairError(err: unknown): OnairError {
  if (err instanceof OnairError) return err;
  return new OnairError('INTERNAL', 'internal error', { cause: err });
}

/**
 * The catalogue code a gRPC status maps back to on the client side: the first code listed with that status;
 * DEADLINE_EXCEEDED (4) counts as UNAVAILABLE; statuses the catalogue does not use are INTERNAL.
 */
export function codeOfGrpcStatus(grpcStatus: number): ErrorCode {
  if (grpcStatus === 4) return 'UNAVAILABLE';
  const entry = Object.entries(ERROR_CODES).find(([, e]) => e.grpc === grpcStatus);
  return entry ? (entry[0] as ErrorCode) : 'INTERNAL';
}
