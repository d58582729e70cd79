import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import {
  credentials,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type ChannelCredentials,
  type ServerInterceptor,
} from '@grpc/grpc-js';

/**
 * The mTLS identity of a service on internal gRPC: the CA every peer's certificate must chain to, this service's own
 * certificate and key (presented as server and as client), and the names a peer's certificate may carry.
 */
export interface GrpcTls {
  /** PEM: the CA certificate(s). */
  readonly ca: Buffer;
  /** PEM: this service's certificate chain. */
  readonly cert: Buffer;
  /** PEM: its private key. */
  readonly key: Buffer;
  /** Peer names (certificate subject CN) this service takes calls from, e.g. `relay`, `monitoring`. */
  readonly peers: ReadonlySet<string>;
}

/** Where a {@link GrpcTls} comes from: three PEM files (all set, or none for plaintext) and the accepted peers. */
export interface GrpcTlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly peers: readonly string[];
}

/**
 * Reads the PEM files of an mTLS identity; undefined when none is set (plaintext).
 * @throws Error naming the files (never their content) when only some are set, or one cannot be read.
 */
export function readGrpcTls(files: GrpcTlsFiles): GrpcTls | undefined {
  const paths = [files.caFile, files.certFile, files.keyFile];
  if (paths.every((p) => p === '')) return undefined;
  if (paths.some((p) => p === '')) throw new Error('gRPC TLS needs the CA, certificate and key files together');
  const read = (path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  return { ca: read(files.caFile), cert: read(files.certFile), key: read(files.keyFile), peers: new Set(files.peers) };
}

/** Server credentials: plaintext without TLS; with it, TLS that requires a client certificate signed by the CA. */
export function serverCredentialsOf(tls: GrpcTls | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], true);
}

/**
 * Channel credentials: plaintext without TLS; with it, this service's certificate as client certificate, the
 * server's checked against the CA and the target's host name (RFC 6125), and its CN against {@link GrpcTls.peers}.
 * @param checkedHost the name or IP address the server's certificate must carry, in place of the one grpc-js
 * passes (the target's host, or `grpc.ssl_target_name_override`): the IP address of a target dialled by IP, whose
 * server name had to be another (see IP_TARGET_SERVER_NAME).
 */
export function channelCredentialsOf(tls: GrpcTls | undefined, checkedHost?: string): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(tls.ca, tls.key, tls.cert, {
    checkServerIdentity: (host, cert) => {
      const mismatch = checkServerIdentity(checkedHost ?? host, cert);
      if (mismatch !== undefined) return mismatch;
      const name = certificateName(cert);
      if (name === undefined || !tls.peers.has(name)) {
        return new Error(`the server's certificate names ${name ?? 'no service'}, not an expected peer`);
      }
      return undefined;
    },
  });
}

/** The service a certificate names: its subject CN. */
export function certificateName(cert: PeerCertificate | undefined): string | undefined {
  const cn = cert?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

/**
 * A server interceptor that ends with PERMISSION_DENIED every call whose client certificate does not name one of
 * `peers` (the TLS handshake already refused a certificate the CA did not sign, or none).
 */
export function peerCheckInterceptor(peers: ReadonlySet<string>): ServerInterceptor {
  return (_method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, mdNext) {
            const name = certificateName(call.getAuthContext().sslPeerCertificate);
            if (name !== undefined && peers.has(name)) mdNext(metadata);
            else
              call.sendStatus({
                code: status.PERMISSION_DENIED,
                details: `the client certificate names ${name ?? 'no service'}, not an expected peer`,
              });
          },
        });
      },
    });
}
