import { SignJWT } from 'jose';
import { OnairError } from '@onair/runtime';
import { tokenClaimsSchema, type Role } from './identity.js';
import { MIN_SECRET_BYTES, SECRET_ALGORITHM } from './token-verifier.js';

/** Whom a token names and what it grants: the claims of {@link tokenClaimsSchema} under our names. */
export interface TokenGrant {
  /** Becomes `sub`. */
  readonly userId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  /** Rooms the token is good for; absent: every room. */
  readonly rooms?: readonly string[];
}

/** Options of {@link issueToken}. */
export interface IssueOptions {
  /** `iss` claim (RFC 7519 §4.1.1), for services that set `<PREFIX>JWT_ISSUER`. */
  readonly issuer?: string;
  /** `aud` claim (RFC 7519 §4.1.3), for services that set `<PREFIX>JWT_AUDIENCE`. */
  readonly audience?: string;
}

/**
 * Signs a viewer token with a shared secret: a JWT (RFC 7519) with `alg: HS256`, `typ: JWT`, the grant's claims,
 * `iat` now and `exp` `ttlMs` later (NumericDate, seconds, rounded up), which a verifier with the same secret takes.
 * @param secret UTF-8, at least {@link MIN_SECRET_BYTES} bytes.
 * @param ttlMs how long the token is good for, ms, > 0.
 * @returns the token in compact serialisation (RFC 7515 §7.1).
 * @throws OnairError INVALID_ARGUMENT for a short secret, a bad TTL, or a grant the verifier would refuse (`field`
 * names the claim); the message never holds the secret.
 */
export async function issueToken(
  secret: string,
  grant: TokenGrant,
  ttlMs: number,
  { issuer, audience }: IssueOptions = {},
): Promise<string> {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new OnairError('INVALID_ARGUMENT', `the secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new OnairError('INVALID_ARGUMENT', 'the time to live must be a positive number of ms');
  }
  const nowS = Math.floor(Date.now() / 1000);
  const claims = {
    sub: grant.userId,
    name: grant.name,
    roles: grant.roles,
    ...(grant.rooms === undefined ? {} : { rooms: grant.rooms }),
    exp: nowS + Math.ceil(ttlMs / 1000),
  };
  const parsed = tokenClaimsSchema.safeParse(claims);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OnairError('INVALID_ARGUMENT', issue?.message ?? 'invalid claims', {
      field: issue?.path.map(String).join('.'),
    });
  }
  let jwt = new SignJWT(parsed.data).setProtectedHeader({ alg: SECRET_ALGORITHM, typ: 'JWT' }).setIssuedAt(nowS);
  if (issuer !== undefined) jwt = jwt.setIssuer(issuer);
  if (audience !== undefined) jwt = jwt.setAudience(audience);
  return jwt.sign(key);
}
