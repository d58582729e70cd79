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

/**
 * A MediaService client of the upstream at host:port, reconnecting within seconds; mTLS with `tls`. With `serverName`
 * (and `tls`) the upstream's certificate must name that service instead of the host dialled
 * (`grpc.ssl_target_name_override`): a replica reached by its pod IP presents the certificate of its service.
 */
export function mediaClient(address: string, tls?: GrpcTls, serverName?: string): media.MediaServiceClient {
  const options =
    tls && serverName ? { ...CHANNEL_OPTIONS, 'grpc.ssl_target_name_override': serverName } : CHANNEL_OPTIONS;
  return createClient(onair().media.v1.MediaService, address, options, tls);
}
