import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { OnairError, toOnairError, type ErrorCode, type Logger } from '@onair/runtime';

/**
 * Maps anything a handler threw to a gRPC ServiceError: an OnairError keeps its code and message;
 * anything else is logged and answered INTERNAL with a generic message (never echoed to the client).
 */
export function toServiceError(err: unknown, log: Logger): Partial<ServiceError> {
  const onair = toOnairError(err);
  if (onair.code === 'INTERNAL') log.error({ err }, 'handler failed');
  return { code: onair.grpcStatus, details: onair.message, metadata: new Metadata() };
}

const FROM_GRPC: Partial<Record<number, ErrorCode>> = {
  [status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT',
  [status.NOT_FOUND]: 'NOT_FOUND',
  [status.ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [status.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [status.UNAUTHENTICATED]: 'UNAUTHENTICATED',
  [status.RESOURCE_EXHAUSTED]: 'RATE_LIMITED',
  [status.UNAVAILABLE]: 'UNAVAILABLE',
  [status.DEADLINE_EXCEEDED]: 'UNAVAILABLE',
};

/** Maps a gRPC client error back to an OnairError (unknown statuses become INTERNAL). */
export function fromServiceError(err: ServiceError): OnairError {
  return new OnairError(FROM_GRPC[err.code] ?? 'INTERNAL', err.details || err.message, { cause: err });
}
