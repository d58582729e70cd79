import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken, callerCertificateName, isLoopbackPeer, isTrustedPeer, type BearerCall } from '@onair/grpc-kit';
import { OnairError } from '@onair/runtime';
import { hasRole, posterOf, type Poster } from './identity.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * Who made a gRPC call that posts or moderates: a trusted service (`name`: its certificate's, under mTLS), or an
 * admin viewer token's bearer.
 */
export type Caller =
  { readonly kind: 'service'; readonly name?: string } | { readonly kind: 'admin'; readonly poster: Poster };

/** Checks a gRPC call's credentials; resolves to its caller. */
export type ServiceAuth = (call: BearerCall) => Promise<Caller>;

/** Options of {@link serviceAuth}. */
export interface ServiceAuthOptions {
  /** The service token (`<prefix>SERVICE_TOKEN`); "" for loopback-only service access. */
  readonly serviceToken: string;
  /** Its variable, for error messages, e.g. "CHAT_SERVICE_TOKEN". */
  readonly variable: string;
  /** Verifies admin viewer tokens; undefined when no key is configured. */
  readonly verifier: TokenVerifier | undefined;
  /** Client certificate names (mTLS) trusted as the service token is (`<prefix>GRPC_TLS_TRUSTED`). @default none */
  readonly trusted?: ReadonlySet<string>;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The access rule of the gRPC calls that change a room (posts, moderation): the call carries
 * `authorization: Bearer <token>` (RFC 6750 §2.1 over gRPC metadata) where the token is the service token (compared
 * in constant time on SHA-256 digests) or a viewer JWT with the `admin` role. With no service token set, callers on
 * loopback count as services; under mTLS, so does a caller whose client certificate names one of `trusted`. Telemetry
 * and health are not behind it.
 * @throws (from the returned check) OnairError UNAUTHENTICATED for missing or wrong credentials, PERMISSION_DENIED
 *   for a valid viewer token without the admin role; UNAVAILABLE when a JWKS cannot be fetched. Messages never
 *   hold a token.
 */
export function serviceAuth({ serviceToken, variable, verifier, trusted }: ServiceAuthOptions): ServiceAuth {
  const expected = serviceToken === '' ? undefined : sha256(serviceToken);
  return async (call) => {
    if (isTrustedPeer(call, trusted)) return { kind: 'service', name: callerCertificateName(call) };
    const presented = bearerToken(call.metadata);
    if (presented === undefined) {
      if (expected === undefined && isLoopbackPeer(call.getPeer())) return { kind: 'service' };
      throw new OnairError('UNAUTHENTICATED', `needs "authorization: Bearer <${variable} or an admin token>"`);
    }
    if (expected !== undefined && timingSafeEqual(sha256(presented), expected)) return { kind: 'service' };
    if (verifier === undefined || presented.split('.').length !== 3)
      throw new OnairError('UNAUTHENTICATED', `wrong ${variable}`);
    const poster = posterOf(await verifier.verify(presented));
    if (!hasRole(poster, ['admin'])) throw new OnairError('PERMISSION_DENIED', 'the token has no admin role');
    return { kind: 'admin', poster };
  };
}

/**
 * Who a gRPC post is from: an admin caller posts as itself; a service names the poster (`name`, and `userId` or
 * `service:<name>` when empty, then marked `service`: no per-user limits), with the viewer role, so moderation holds it
 * to the room's rules like anyone.
 */
export function grpcPoster(caller: Caller, request: { readonly name: string; readonly userId: string }): Poster {
  if (caller.kind === 'admin') return caller.poster;
  const poster: Poster = { userId: request.userId, name: request.name, roles: ['viewer'], guest: false };
  return request.userId === '' ? { ...poster, userId: `service:${request.name}`, service: true } : poster;
}
