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
}

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
 * The value of a result, for callers that report failures by throwing (gRPC handlers).
 * @throws OnairError with the rejection's code; the message starts with the field when there is one.
 */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const { code, message, field } = result.rejection;
  throw new OnairError(code, field === undefined ? message : `${field}: ${message}`);
}
