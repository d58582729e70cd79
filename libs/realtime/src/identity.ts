import { z } from 'zod';
import { nameSchema, roomIdSchema } from './fields.js';

/** The roles a token may grant, least to most trusted. */
export const ROLES = ['viewer', 'subscriber', 'vip', 'moderator', 'broadcaster', 'admin'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Longest user id (`sub`) a token may carry, characters. */
const USER_ID_MAX_CHARS = 128;

/** Who a verified token says its bearer is. */
export interface Identity {
  /** The token's `sub` (RFC 7519 §4.1.2): the user id at the issuer. */
  readonly userId: string;
  /** Display name (`name` claim, as OpenID Connect Core §5.1 names it), trimmed. */
  readonly name: string;
  /** What the bearer may do; never empty, no role twice. */
  readonly roles: readonly Role[];
  /** Rooms the token is good for; absent: every room. */
  readonly rooms?: readonly string[];
  /** When the token expires (`exp`, RFC 7519 §4.1.4), unix epoch ms. */
  readonly expiresAtMs: number;
}

const unique = (values: readonly string[]): boolean => new Set(values).size === values.length;

/**
 * Zod schema of the claims a viewer token must carry besides its signature: `sub` (1–128 characters), `name`
 * ({@link nameSchema}), `roles` (a non-empty list of {@link ROLES} without repeats), `exp` (NumericDate,
 * seconds, RFC 7519 §2) and optionally `rooms` (room ids, at least one, no repeats). Other claims (`iss`, `aud`,
 * `iat`, `jti`, ...) pass through unread.
 */
export const tokenClaimsSchema = z.looseObject({
  sub: z
    .string({ error: 'sub must be a string' })
    .min(1, { error: 'sub must not be empty' })
    .max(USER_ID_MAX_CHARS, { error: `sub must be at most ${USER_ID_MAX_CHARS} characters` }),
  name: nameSchema,
  roles: z
    .array(z.enum(ROLES, { error: `roles must be among ${ROLES.join(', ')}` }), { error: 'roles must be a list' })
    .min(1, { error: 'roles must not be empty' })
    .refine(unique, { error: 'roles must not repeat' }),
  rooms: z
    .array(roomIdSchema, { error: 'rooms must be a list' })
    .min(1, { error: 'rooms must not be empty; leave it out for every room' })
    .refine(unique, { error: 'rooms must not repeat' })
    .optional(),
  exp: z.number({ error: 'exp must be a number' }),
});

/** Claims that passed {@link tokenClaimsSchema}. */
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The identity verified claims describe. */
export function identityOf(claims: TokenClaims): Identity {
  const identity = { userId: claims.sub, name: claims.name, roles: claims.roles, expiresAtMs: claims.exp * 1000 };
  return claims.rooms === undefined ? identity : { ...identity, rooms: claims.rooms };
}

/** Whether `identity` may be used in `room`: a token without a `rooms` claim is good for every room. */
export function identityAllowsRoom(identity: Identity, room: string): boolean {
  return identity.rooms === undefined || identity.rooms.includes(room);
}

/** Who posts or moderates: a token's bearer, a guest, or a trusted service. */
export interface Poster {
  /** The token's `sub`; `guest:<conn>` for a guest; `service:<name>` for a service posting over gRPC. */
  readonly userId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  /** True for a viewer without a token, posting under a server-given name. */
  readonly guest: boolean;
  /** True for a service posting as itself over gRPC (`service:<name>`, no user named): no per-user limits apply. */
  readonly service?: boolean;
}

/** The poster a verified identity is. */
export function posterOf(identity: Identity): Poster {
  return { userId: identity.userId, name: identity.name, roles: identity.roles, guest: false };
}

/** The guest poster of connection `conn`: named `guest-` and the connection id's first 6 characters. */
export function guestPoster(conn: string): Poster {
  return { userId: `guest:${conn}`, name: `guest-${conn.slice(0, 6)}`, roles: ['viewer'], guest: true };
}

/** Whether `poster` holds any of `roles`. */
export function hasRole(poster: Pick<Poster, 'roles'>, roles: readonly Role[]): boolean {
  return poster.roles.some((role) => roles.includes(role));
}
