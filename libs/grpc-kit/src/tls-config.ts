import { z } from 'zod';
import { field } from '@onair/runtime';
import { readGrpcTls, type GrpcTls } from './tls.js';

/** The service names a certificate may carry by default: every Onair service, and the `onair` CLI. */
export const DEFAULT_TLS_PEERS = 'ingest,relay,danmaku,chat,monitoring,cli';

const peersSchema = z
  .string()
  .transform((raw) => raw.split(',').map((name) => name.trim()))
  .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a peer is a service name: a-z, 0-9, "-"')).min(1));

/**
 * The configuration fields of a service's mTLS on internal gRPC, `<prefix>GRPC_TLS_CA_FILE`,
 * `<prefix>GRPC_TLS_CERT_FILE`, `<prefix>GRPC_TLS_KEY_FILE` and `<prefix>GRPC_TLS_PEERS` (make the files with deploy/tls/make-dev-certs.sh).
 */
export function grpcTlsSpec(prefix: string) {
  const p = prefix;
  return {
    grpcTlsCaFile: field(
      z.string(),
      `${p}GRPC_TLS_CA_FILE`,
      '',
      `PEM CA certificate every internal gRPC peer's certificate must chain to. With ${p}GRPC_TLS_CERT_FILE and ` +
        `${p}GRPC_TLS_KEY_FILE it turns on mTLS for the gRPC server (client certificates required) and for this ` +
        "service's gRPC clients. Unset (all three): plaintext.",
      '(unset)',
    ),
    grpcTlsCertFile: field(
      z.string(),
      `${p}GRPC_TLS_CERT_FILE`,
      '',
      "PEM certificate of this service (subject CN = the service's name), presented as server and as client.",
      '(unset)',
    ),
    grpcTlsKeyFile: field(z.string(), `${p}GRPC_TLS_KEY_FILE`, '', 'PEM private key of that certificate.', '(unset)'),
    grpcTlsPeers: field(
      peersSchema,
      `${p}GRPC_TLS_PEERS`,
      DEFAULT_TLS_PEERS.split(','),
      'Comma-separated names (certificate subject CN) of the peers this service takes calls from and calls; a ' +
        'call from another certificate of the CA gets PERMISSION_DENIED.',
      DEFAULT_TLS_PEERS,
    ),
    grpcTlsTrusted: field(
      peersSchema,
      `${p}GRPC_TLS_TRUSTED`,
      ['cli'],
      'Comma-separated client certificate names (mTLS) trusted with the calls that change state (posts, ' +
        'moderation, RoomsService) as the service or admin token is.',
      'cli',
    ),
  };
}

/** The fields {@link grpcTlsSpec} adds to a service's configuration. */
export interface GrpcTlsConfig {
  readonly grpcTlsCaFile: string;
  readonly grpcTlsCertFile: string;
  readonly grpcTlsKeyFile: string;
  readonly grpcTlsPeers: readonly string[];
  readonly grpcTlsTrusted: readonly string[];
}

/**
 * The mTLS identity a configuration names (see readGrpcTls); undefined for plaintext.
 * @throws Error naming the variables' files when only some are set or one cannot be read.
 */
export function grpcTlsOf(config: GrpcTlsConfig): GrpcTls | undefined {
  return readGrpcTls({
    caFile: config.grpcTlsCaFile,
    certFile: config.grpcTlsCertFile,
    keyFile: config.grpcTlsKeyFile,
    peers: config.grpcTlsPeers,
  });
}
