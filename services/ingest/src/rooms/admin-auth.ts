import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import { OnairError } from '@onair/runtime';

/** What {@link adminCheck} reads of a gRPC call (grpc-js ServerUnaryCall has both). */
export interface AdminCall {
  /** The peer's address as grpc-js gives it: "127.0.0.1:5000", "::1:5000", "[::1]:5000" or "unknown". */
  getPeer(): string;
  readonly metadata: Metadata;
}

/** Checks one admin call; throws when the caller may not manage rooms. */
export type AdminCheck = (call: AdminCall) => void;

/**
 * The RoomsService access rule. With a token (INGEST_ADMIN_TOKEN), every call must carry the gRPC metadata
 * `authorization: Bearer <token>` (the HTTP bearer scheme of RFC 6750 §2.1 over gRPC metadata), compared in
 * constant time; the caller's address does not matter. Without one, only loopback peers (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104) may call: anyone else reaching the gRPC port could rotate a room's stream key and
 * take the room over.
 * @param token the admin token, or undefined/"" for loopback-only access.
 * @throws (from the returned check) OnairError UNAUTHENTICATED for a missing or wrong token, PERMISSION_DENIED
 *   for a remote peer while no token is set.
 */
export function adminCheck(token: string | undefined): AdminCheck {
  if (!token) {
    return (call) => {
      if (isLoopbackPeer(call.getPeer())) return;
      throw new OnairError(
        'PERMISSION_DENIED',
        'RoomsService accepts only loopback callers while INGEST_ADMIN_TOKEN is unset; set INGEST_ADMIN_TOKEN ' +
          'on ingest and call with "authorization: Bearer <token>" (onair CLI: --token or ONAIR_ADMIN_TOKEN)',
      );
    };
  }
  const expected = digest(token);
  return (call) => {
    const presented = bearerToken(call.metadata);
    if (presented === undefined)
      throw new OnairError('UNAUTHENTICATED', 'RoomsService needs "authorization: Bearer <INGEST_ADMIN_TOKEN>"');
    if (!timingSafeEqual(digest(presented), expected)) throw new OnairError('UNAUTHENTICATED', 'wrong admin token');
  };
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
