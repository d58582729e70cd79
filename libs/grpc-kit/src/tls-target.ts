import { isIP } from 'node:net';

/**
 * The TLS server name (SNI) a client sends when it dials an IP address: `localhost`, a name every certificate of
 * deploy/tls/make-dev-certs.sh carries. Node refuses an IP address as server name (RFC 6066 §3; an error since
 * Node 26, a deprecation warning before), and grpc-js sends the target's host unless told another; the certificate
 * is still checked against the IP address itself (see {@link ipTargetHost}).
 */
export const IP_TARGET_SERVER_NAME = 'localhost';

/** A target's scheme prefix (gRPC doc/naming.md): `dns:`, `dns:///`, `dns://authority/`, `ipv4:`, `ipv6:`. */
const SCHEME = /^(?:dns:(?:\/\/[^/]*\/)?|ipv4:|ipv6:)/;

/**
 * The IP address a gRPC target dials when it names exactly one, e.g. `127.0.0.1` for "127.0.0.1:50055",
 * "ipv4:127.0.0.1:50055" or "dns:///127.0.0.1:50055", and `::1` for "[::1]:50055" or "ipv6:[::1]:50055";
 * undefined for a host name, a list of addresses or a unix socket.
 */
export function ipTargetHost(target: string): string | undefined {
  const path = target.replace(SCHEME, '');
  if (path.includes(',')) return undefined;
  if (isIP(path) !== 0) return path;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(path);
  const host = bracketed ? bracketed[1]! : path.replace(/:\d+$/, '');
  return isIP(host) === 0 ? undefined : host;
}
