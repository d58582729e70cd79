import { OnairError, type ErrorCode } from '@onair/runtime';

/** An expected failure of one request; its message is safe to show to the client. */
export interface Rejection {
  readonly code: ErrorCode;
  readonly message: string;
  /** The input field at fault, e.g. "text"; absent when the request as a whole is at fault. */
  readonly field?: string;
  /** BANNED: when the ban or timeout ends, unix epoch ms; absent for a ban without end. */
  readonly untilMs?: number;
  /** SLOW_MODE: how long the poster must wait before its next post, ms. */
  readonly waitMs?: number;
  /** RATE_LIMITED: whose limit refused it: the connection's frames, the user's posts, or the room's posts. */
  readonly scope?: LimitScope;
  /**
   * RATE_LIMITED, DUPLICATE: how long until the next post (or frame, for scope `connection`) would pass, ms; absent
   * when it depends on earlier posts being answered (too many waiting to be stored).
   */
  readonly retryAfterMs?: number;
}

/** Whose rate limit refused a frame or post ({@link Rejection.scope}). */
export type LimitScope = 'connection' | 'user' | 'room';

/** Outcome of a request that can fail in expected ways: a value or a {@link Rejection}. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Rejection };

/** A successful {@link Result}. */
export function accepted<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** A failed {@link Result}. */
export function rejected(code: ErrorCode, message: string, field?: string): Result<never> {
  return { ok: false, rejection: field === undefined ? { code, message } : { code, message, field } };
}

/**
 * The metrics reason of a rejection (`onair_realtime_messages_rejected_total{reason}`): its code in lower case, with
 * `_user` or `_room` after `rate_limited` for those scopes (the connection's own limit stays `rate_limited`).
 */
export function rejectionReason({ code, scope }: Rejection): string {
  const reason = code.toLowerCase();
  return scope === 'user' || scope === 'room' ? `${reason}_${scope}` : reason;
}

/**
 * The value of a result, for callers that report failures by throwing (gRPC handlers).
 * @throws OnairError with the rejection's code; the message starts with the field when there is one and ends with
 *   `(scope=<scope>, retryAfterMs=<ms>)` when the rejection has them, since gRPC carries only status and message.
 */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const { code, message, field, scope, retryAfterMs } = result.rejection;
  const extras = [
    ...(scope === undefined ? [] : [`scope=${scope}`]),
    ...(retryAfterMs === undefined ? [] : [`retryAfterMs=${retryAfterMs}`]),
  ];
  const text = field === undefined ? message : `${field}: ${message}`;
  throw new OnairError(code, extras.length === 0 ? text : `${text} (${extras.join(', ')})`);
}
