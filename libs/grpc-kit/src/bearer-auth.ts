import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { OnairError } from '@onair/runtime';
import { certificateName } from './tls.js';

/** What a {@link bearerCheck} reads of a gRPC call (grpc-js ServerUnaryCall has them all). */
export interface BearerCall {
  /** The peer's address as grpc-js gives it: "127.0.0.1:5000", "::1:5000", "[::1]:5000" or "unknown". */
  getPeer(): string;
  readonly metadata: Metadata;
  /** The connection's TLS state: the client certificate under mTLS. */
  getAuthContext?(): { readonly sslPeerCertificate?: PeerCertificate } | null;
}

/** Checks one call; throws when the caller may not make it. */
export type BearerCheck = (call: BearerCall) => void;

/** Options of {@link bearerCheck}. */
export interface BearerCheckOptions {
  /** The token callers must present; undefined or "" for loopback-only access. */
  readonly token: string | undefined;
  /** What the token guards, for error messages, e.g. "RoomsService". */
  readonly guards: string;
  /** The variable that sets the token, for error messages, e.g. "INGEST_ADMIN_TOKEN". */
  readonly variable: string;
  /** How a client sends it, appended to the loopback-only refusal, e.g. "onair CLI: --token or ONAIR_ADMIN_TOKEN". */
  readonly clientHint?: string;
  /** Client certificate names (mTLS) trusted as the token is, e.g. `cli`. @default none */
  readonly trusted?: ReadonlySet<string>;
}

/**
 * A shared-token access rule for gRPC calls. With a token, every call must carry the gRPC metadata
 * `authorization: Bearer <token>` (the HTTP bearer scheme of RFC 6750 §2.1 over gRPC metadata), compared in
 * constant time; the caller's address does not matter. Without one, only loopback peers (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104) may call: anyone else reaching the gRPC port could act as a trusted service. Under mTLS, a
 * caller whose client certificate names one of `trusted` passes either way (its certificate is its identity).
 * @throws (from the returned check) OnairError UNAUTHENTICATED for a missing or wrong token, PERMISSION_DENIED
 *   for a remote peer while no token is set. Messages name the variable, never a token.
 */
export function bearerCheck({ token, guards, variable, clientHint, trusted }: BearerCheckOptions): BearerCheck {
  if (!token) {
    const hint = clientHint === undefined ? '' : ` (${clientHint})`;
    return (call) => {
      if (isLoopbackPeer(call.getPeer()) || isTrustedPeer(call, trusted)) return;
      throw new OnairError(
        'PERMISSION_DENIED',
        `${guards} accepts only loopback callers while ${variable} is unset; set ${variable} ` +
          `and call with "authorization: Bearer <token>"${hint}`,
      );
    };
  }
  const expected = digest(token);
  return (call) => {
    if (isTrustedPeer(call, trusted)) return;
    const presented = bearerToken(call.metadata);
    if (presented === undefined)
      throw new OnairError('UNAUTHENTICATED', `${guards} needs "authorization: Bearer <${variable}>"`);
    if (!timingSafeEqual(digest(presented), expected)) throw new OnairError('UNAUTHENTICATED', `wrong ${variable}`);
  };
}

/** The name (subject CN) of the call's client certificate under mTLS; undefined for plaintext or no certificate. */
export function callerCertificateName(call: BearerCall): string | undefined {
  return certificateName(call.getAuthContext?.()?.sslPeerCertificate);
}

/** True when the call's client certificate names one of `trusted`. */
export function isTrustedPeer(call: BearerCall, trusted: ReadonlySet<string> | undefined): boolean {
  const name = callerCertificateName(call);
  return name !== undefined && trusted !== undefined && trusted.has(name);
}

/** The token of an `authorization: Bearer <token>` metadata entry (RFC 6750 §2.1), if there is one. */
export function bearerToken(metadata: Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer +(.+)$/i.exec(value);
  return match?.[1]?.trim() || undefined;
}

/** True when a grpc-js peer string names a loopback address; false for anything unparsable. */
export function isLoopbackPeer(peer: string): boolean {
  const host = peer.startsWith('[') ? peer.slice(1, peer.indexOf(']')) : peer.slice(0, peer.lastIndexOf(':'));
  const version = isIP(host);
  if (version === 4) return host.startsWith('127.');
  if (version !== 6) return false;
  const lower = host.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && (mapped[1] ?? '').startsWith('127.');
}

/** SHA-256 of a token: equal-length digests for timingSafeEqual, whatever the tokens' lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
