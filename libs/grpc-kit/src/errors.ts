import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { codeOfGrpcStatus, OnairError, toOnairError, type Logger } from '@onair/runtime';

/**
 * Maps anything a handler threw to a gRPC ServiceError by the catalogue: an OnairError keeps its code's status and
 * its message; anything else is logged and answered INTERNAL with a generic message (never echoed to the client).
 */
export function toServiceError(err: unknown, log: Logger): Partial<ServiceError> {
  const onair = toOnairError(err);
  if (onair.code === 'INTERNAL') log.error({ err }, 'handler failed');
  return { code: onair.grpcStatus, details: onair.message, metadata: new Metadata() };
}

/** Maps a gRPC client error back to an OnairError by the catalogue (see codeOfGrpcStatus). */
export function fromServiceError(err: ServiceError): OnairError {
  return new OnairError(codeOfGrpcStatus(err.code), err.details || err.message, { cause: err });
}
