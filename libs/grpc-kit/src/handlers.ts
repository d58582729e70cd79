import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '@onair/runtime';
import { toServiceError } from './errors.js';

/**
 * Adapts an async unary handler to grpc-js' callback style: the resolved value is the response; a
 * rejection goes through {@link toServiceError}. The callback is answered exactly once.
 */
export function unary<Req, Res>(
  log: Logger,
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err, log)),
    );
  };
}
