import { onair, type media } from '@onair/proto';
import { createClient, type GrpcTls } from '@onair/grpc-kit';

/**
 * Channel options: a reconnect backoff bounded at 5 s (grpc-js' default grows to 120 s) so a restarted upstream
 * is followed again within seconds.
 */
const CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 5000,
};

/** A MediaService client of the upstream at host:port, reconnecting within seconds; mTLS with `tls`. */
export function mediaClient(address: string, tls?: GrpcTls): media.MediaServiceClient {
  return createClient(onair().media.v1.MediaService, address, CHANNEL_OPTIONS, tls);
}
