import { createPublicKey } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { OnairError } from '@onair/runtime';
import { identityOf, tokenClaimsSchema, type Identity } from './identity.js';

/** The only algorithm a shared secret verifies (RFC 7518 §3.2: HMAC with SHA-256). */
export const SECRET_ALGORITHM = 'HS256';

/** Shortest shared secret, bytes: RFC 7518 §3.2 wants a key at least as long as the hash output (256 bits). */
export const MIN_SECRET_BYTES = 32;

/** Algorithms a public key or a JWKS may verify: RSA PKCS#1 v1.5, ECDSA P-256, Ed25519 (RFC 7518 §3.1, RFC 8037). */
export const PUBLIC_KEY_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** One of {@link PUBLIC_KEY_ALGORITHMS}. */
export type PublicKeyAlgorithm = (typeof PUBLIC_KEY_ALGORITHMS)[number];

/**
 * Clock skew allowed between the issuer and this server when checking `exp` and `nbf`, seconds: a token is still
 * taken 5 s after its `exp` and already 5 s before its `nbf` (RFC 7519 §4.1.4 and §4.1.5 allow "some small leeway").
 */
export const CLOCK_TOLERANCE_S = 5;

/** Longest token read, characters; a longer one is refused as malformed before any parsing. */
export const MAX_TOKEN_CHARS = 8192;

/** Smallest RSA modulus taken, bits (RFC 7518 §3.3). */
const MIN_RSA_BITS = 2048;

/** After a JWKS fetch, how long a token with an unknown `kid` waits before it may trigger another, ms (jose's). */
const JWKS_COOLDOWN_MS = 30_000;

/**
 * Where the keys that sign tokens come from; exactly one:
 * - `secret`: a shared secret (UTF-8, at least {@link MIN_SECRET_BYTES} bytes); HS256 only.
 * - `publicKeyPem`: a PEM SPKI public key (`-----BEGIN PUBLIC KEY-----`); the algorithm follows from the key
 *   ({@link publicKeyAlgorithm}) and is the only one taken.
 * - `jwksUrl`: a JWK Set (RFC 7517 §5) fetched over HTTP(S) and cached (10 min); a token whose `kid` is not in the
 *   cached set fetches it again, at most once per `jwksCooldownMs` (default 30 s). RS256, ES256 and EdDSA keys.
 */
export type TokenKeySource =
  | { readonly secret: string }
  | { readonly publicKeyPem: string }
  | { readonly jwksUrl: URL; readonly jwksCooldownMs?: number };

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  readonly key: TokenKeySource;
  /** The `iss` a token must carry (RFC 7519 §4.1.1); unset: any or none. */
  readonly issuer?: string;
  /** The `aud` a token must carry, alone or in its list (RFC 7519 §4.1.3); unset: any or none. */
  readonly audience?: string;
}

/** Checks viewer tokens (signed JWTs, RFC 7519) and says whom they name. */
export interface TokenVerifier {
  /**
   * Verifies a JWT in compact serialisation (RFC 7515 §7.1): its signature with the configured key under an allowed
   * algorithm only (so neither `alg: none` nor a token signed as HS256 with a public key's bytes passes, RFC 8725
   * §3.1), then `exp` (required), `nbf`, `iss` and `aud` when configured, with {@link CLOCK_TOLERANCE_S} of leeway,
   * then the claims ({@link tokenClaimsSchema}).
   * @returns the identity the token names.
   * @throws OnairError UNAUTHENTICATED when the token is refused, with a message that says why and never holds the
   * token; UNAVAILABLE when the JWKS cannot be fetched (retry later).
   */
  verify(token: string): Promise<Identity>;
}

/**
 * The one algorithm a PEM public key verifies: RSA (≥ 2048 bits) → RS256, EC P-256 → ES256, Ed25519 → EdDSA.
 * @throws Error saying why the key is not usable: not SPKI PEM, another key type or curve, a short RSA key.
 */
export function publicKeyAlgorithm(pem: string): PublicKeyAlgorithm {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new Error('expected a PEM public key (-----BEGIN PUBLIC KEY-----, SPKI)');
  }
  const key = createPublicKey(pem);
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS) throw new Error(`RSA key under ${MIN_RSA_BITS} bits`);
      return 'RS256';
    case 'ec':
      if (details.namedCurve !== 'prime256v1') throw new Error('EC key not on P-256 (ES256)');
      return 'ES256';
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType}; use RSA, EC P-256 or Ed25519`);
  }
}

/**
 * Builds a verifier for one key source.
 * @throws Error when the secret is shorter than {@link MIN_SECRET_BYTES} or the public key is unusable
 * ({@link publicKeyAlgorithm}).
 */
export async function createTokenVerifier({ key, issuer, audience }: TokenVerifierOptions): Promise<TokenVerifier> {
  const { verificationKey, algorithms } = await keyOf(key);
  const options: JWTVerifyOptions = {
    algorithms,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['exp'],
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  };
  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_CHARS) throw refused('token is malformed: too long');
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, verificationKey, options));
      } catch (err) {
        throw refusal(err);
      }
      const claims = tokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw refused(`token claims are invalid: ${claims.error.issues[0]?.message ?? 'unknown'}`);
      return identityOf(claims.data);
    },
  };
}

type VerificationKey = Uint8Array | CryptoKey | JWTVerifyGetKey;

async function keyOf(key: TokenKeySource): Promise<{ verificationKey: VerificationKey; algorithms: string[] }> {
  if ('secret' in key) {
    const bytes = new TextEncoder().encode(key.secret);
    if (bytes.length < MIN_SECRET_BYTES) throw new Error(`the token secret is under ${MIN_SECRET_BYTES} bytes`);
    return { verificationKey: bytes, algorithms: [SECRET_ALGORITHM] };
  }
  if ('publicKeyPem' in key) {
    const algorithm = publicKeyAlgorithm(key.publicKeyPem);
    return { verificationKey: await importSPKI(key.publicKeyPem, algorithm), algorithms: [algorithm] };
  }
  const jwks = createRemoteJWKSet(key.jwksUrl, { cooldownDuration: key.jwksCooldownMs ?? JWKS_COOLDOWN_MS });
  const verificationKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new OnairError('UNAVAILABLE', 'the key set (JWKS) that verifies tokens cannot be fetched; retry', {
        cause: err,
      });
    }
  };
  return { verificationKey, algorithms: [...PUBLIC_KEY_ALGORITHMS] };
}

function refused(message: string, cause?: unknown): OnairError {
  return new OnairError('UNAUTHENTICATED', message, { cause });
}

/**
 * Why jose refused a token, as an OnairError with a message of our own (jose's stays in `cause`, for logs); anything
 * else that was thrown (a bug) as it is.
 */
function refusal(err: unknown): unknown {
  if (err instanceof OnairError) return err;
  if (err instanceof errors.JWTExpired) return refused('token has expired', err);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return refused(`token lacks the ${err.claim} claim`, err);
    if (err.claim === 'nbf') return refused('token is not valid yet', err);
    if (err.claim === 'iss') return refused('token issuer is not accepted', err);
    if (err.claim === 'aud') return refused('token audience is not accepted', err);
    return refused(`token ${err.claim} claim is invalid`, err);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return refused('token algorithm is not allowed for this key', err);
  if (err instanceof errors.JWSSignatureVerificationFailed) return refused('token signature does not verify', err);
  if (err instanceof errors.JWKSNoMatchingKey) return refused('no key of the key set matches the token', err);
  if (err instanceof errors.JWKSMultipleMatchingKeys) {
    return refused('several keys of the key set match the token; it needs a kid', err);
  }
  if (err instanceof errors.JOSEError) return refused('token is malformed', err);
  return err;
}
