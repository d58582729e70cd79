import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { base64url, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnairError } from '@onair/runtime';
import {
  createTokenVerifier,
  MAX_TOKEN_CHARS,
  publicKeyAlgorithm,
  type TokenKeySource,
  type TokenVerifier,
} from './token-verifier.js';

const ISSUER = 'https://id.onair.test';
const AUDIENCE = 'onair-chat';
const nowS = (): number => Math.floor(Date.now() / 1000);

/** A key pair (or secret) of one algorithm, a second one that did not sign, and a verifier of the first. */
interface Keys {
  alg: string;
  signing: CryptoKey | Uint8Array;
  wrong: CryptoKey | Uint8Array;
  /** The public key as PEM SPKI; undefined for HS256. */
  pem: string | undefined;
  verifier: TokenVerifier;
}

async function keysFor(alg: 'HS256' | 'RS256' | 'ES256' | 'EdDSA'): Promise<Keys> {
  let key: TokenKeySource;
  let signing: CryptoKey | Uint8Array;
  let wrong: CryptoKey | Uint8Array;
  let pem: string | undefined;
  if (alg === 'HS256') {
    const secret = randomBytes(32).toString('hex');
    key = { secret };
    signing = new TextEncoder().encode(secret);
    wrong = new TextEncoder().encode(randomBytes(32).toString('hex'));
  } else {
    const pair = await generateKeyPair(alg, { extractable: true });
    pem = await exportSPKI(pair.publicKey);
    key = { publicKeyPem: pem };
    signing = pair.privateKey;
    wrong = (await generateKeyPair(alg)).privateKey;
  }
  const verifier = await createTokenVerifier({ key, issuer: ISSUER, audience: AUDIENCE });
  return { alg, signing, wrong, pem, verifier };
}

const CLAIMS = { sub: 'u-42', name: 'Alice', roles: ['moderator'], iss: ISSUER, aud: AUDIENCE };

function sign(keys: Keys, payload: JWTPayload, key: CryptoKey | Uint8Array = keys.signing): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: keys.alg, typ: 'JWT' }).sign(key);
}

/** A JWT built by hand: header and payload as given, the signature part as given. */
function handMade(header: object, payload: object, signature = ''): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
}

async function refusal(verifier: TokenVerifier, token: string): Promise<OnairError> {
  const err: unknown = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OnairError)) throw new Error(`expected an OnairError, got ${String(err)}`);
  return err;
}

/** Each row: how the token is made from valid claims, and the refusal it earns (undefined: accepted). */
const TABLE: Array<{ name: string; make: (k: Keys) => Promise<string>; refused?: RegExp }> = [
  { name: 'valid', make: (k) => sign(k, { ...CLAIMS, exp: nowS() + 60 }) },
  { name: 'expired', make: (k) => sign(k, { ...CLAIMS, exp: nowS() - 60 }), refused: /^token has expired$/ },
  { name: 'expired within the 5 s clock tolerance', make: (k) => sign(k, { ...CLAIMS, exp: nowS() - 2 }) },
  {
    name: 'not yet valid',
    make: (k) => sign(k, { ...CLAIMS, nbf: nowS() + 60, exp: nowS() + 120 }),
    refused: /^token is not valid yet$/,
  },
  { name: 'without exp', make: (k) => sign(k, CLAIMS), refused: /^token lacks the exp claim$/ },
  {
    name: 'signed with another key',
    make: (k) => sign(k, { ...CLAIMS, exp: nowS() + 60 }, k.wrong),
    refused: /^token signature does not verify$/,
  },
  {
    name: 'with a payload changed after signing',
    make: async (k) => {
      const [header, , signature] = (await sign(k, { ...CLAIMS, exp: nowS() + 60 })).split('.');
      const payload = base64url.encode(JSON.stringify({ ...CLAIMS, roles: ['admin'], exp: nowS() + 60 }));
      return `${header}.${payload}.${signature}`;
    },
    refused: /^token signature does not verify$/,
  },
  {
    name: 'from another issuer',
    make: (k) => sign(k, { ...CLAIMS, iss: 'https://evil.test', exp: nowS() + 60 }),
    refused: /^token issuer is not accepted$/,
  },
  {
    name: 'without an issuer',
    make: (k) => sign(k, { ...CLAIMS, iss: undefined, exp: nowS() + 60 }),
    refused: /^token lacks the iss claim$/,
  },
  {
    name: 'for another audience',
    make: (k) => sign(k, { ...CLAIMS, aud: 'onair-danmaku', exp: nowS() + 60 }),
    refused: /^token audience is not accepted$/,
  },
  { name: 'with the audience in a list', make: (k) => sign(k, { ...CLAIMS, aud: ['x', AUDIENCE], exp: nowS() + 60 }) },
  {
    name: 'with an unknown role',
    make: (k) => sign(k, { ...CLAIMS, roles: ['viewer', 'root'], exp: nowS() + 60 }),
    refused: /^token claims are invalid: roles must be among /,
  },
  {
    name: 'without a name',
    make: (k) => sign(k, { ...CLAIMS, name: undefined, exp: nowS() + 60 }),
    refused: /^token claims are invalid: name must be a string$/,
  },
  {
    name: 'with alg: none',
    make: async () => handMade({ alg: 'none', typ: 'JWT' }, { ...CLAIMS, exp: nowS() + 60 }),
    refused: /^token algorithm is not allowed for this key$/,
  },
  {
    name: 'with alg: none and the original signature',
    make: async (k) => {
      const signature = (await sign(k, { ...CLAIMS, exp: nowS() + 60 })).split('.')[2];
      return handMade({ alg: 'none' }, { ...CLAIMS, exp: nowS() + 60 }, signature);
    },
    refused: /^token algorithm is not allowed for this key$/,
  },
];

describe.each(['HS256', 'RS256', 'ES256', 'EdDSA'] as const)('a %s verifier', (alg) => {
  let keys: Keys;
  beforeAll(async () => {
    keys = await keysFor(alg);
  });

  it.each(TABLE)('takes or refuses a token $name', async ({ make, refused }) => {
    const token = await make(keys);
    if (refused === undefined) {
      await expect(keys.verifier.verify(token)).resolves.toMatchObject({ userId: 'u-42', name: 'Alice' });
      return;
    }
    const err = await refusal(keys.verifier, token);
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(refused);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(err.message).not.toContain(part);
  });

  it('returns the identity the claims name, exp in ms', async () => {
    const exp = nowS() + 600;
    const token = await sign(keys, { ...CLAIMS, name: ' Alice ', roles: ['viewer', 'vip'], rooms: ['demo'], exp });
    expect(await keys.verifier.verify(token)).toEqual({
      userId: 'u-42',
      name: 'Alice',
      roles: ['viewer', 'vip'],
      rooms: ['demo'],
      expiresAtMs: exp * 1000,
    });
  });
});

describe('algorithm confusion (RFC 8725 §3.1)', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'refuses an HS256 token whose HMAC key is the %s public key PEM',
    async (alg) => {
      const keys = await keysFor(alg);
      const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const payload = base64url.encode(JSON.stringify({ ...CLAIMS, roles: ['admin'], exp: nowS() + 60 }));
      const mac = createHmac('sha256', keys.pem ?? '')
        .update(`${header}.${payload}`)
        .digest('base64url');
      const err = await refusal(keys.verifier, `${header}.${payload}.${mac}`);
      expect(err.code).toBe('UNAUTHENTICATED');
      expect(err.message).toBe('token algorithm is not allowed for this key');
    },
  );

  it('refuses a token of another public key algorithm, and an RS256 token against a secret', async () => {
    const [hs, rs, es] = await Promise.all([keysFor('HS256'), keysFor('RS256'), keysFor('ES256')]);
    const esToken = await sign(es, { ...CLAIMS, exp: nowS() + 60 });
    expect((await refusal(rs.verifier, esToken)).message).toBe('token algorithm is not allowed for this key');
    const rsToken = await sign(rs, { ...CLAIMS, exp: nowS() + 60 });
    expect((await refusal(hs.verifier, rsToken)).message).toBe('token algorithm is not allowed for this key');
  });
});

describe('malformed tokens', () => {
  let keys: Keys;
  beforeAll(async () => {
    keys = await keysFor('HS256');
  });

  it.each([
    ['empty', ''],
    ['one part', 'eyJhbGciOiJIUzI1NiJ9'],
    ['not base64url JSON', 'a.b.c'],
    ['a payload that is not an object', `${base64url.encode('{"alg":"HS256"}')}.${base64url.encode('42')}.x`],
  ])('refuses %s as malformed', async (_, token) => {
    const err = await refusal(keys.verifier, token);
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/^token is malformed/);
  });

  it('refuses a well-signed token over the length limit before parsing it', async () => {
    const token = await sign(keys, { ...CLAIMS, exp: nowS() + 60, pad: 'x'.repeat(MAX_TOKEN_CHARS) });
    expect((await refusal(keys.verifier, token)).message).toBe('token is malformed: too long');
  });
});

describe('createTokenVerifier', () => {
  it('refuses a secret under 32 bytes', async () => {
    await expect(createTokenVerifier({ key: { secret: 'x'.repeat(31) } })).rejects.toThrow(/under 32 bytes/);
  });

  it.each([
    ['RSA 2048', 'RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['EC P-256', 'ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['Ed25519', 'EdDSA', () => generateKeyPairSync('ed25519')],
  ])('takes the algorithm from the key: %s → %s', (_, alg, pair) => {
    const pem = pair().publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(publicKeyAlgorithm(pem)).toBe(alg);
  });

  it.each([
    [
      'a private key',
      () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      /expected a PEM public key/,
    ],
    [
      'RSA 1024',
      () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }),
      /RSA key under 2048 bits/,
    ],
    [
      'EC P-384',
      () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }),
      /not on P-256/,
    ],
    [
      'X25519',
      () => generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }),
      /unsupported key type x25519/,
    ],
  ])('refuses %s', async (_, pem, problem) => {
    await expect(createTokenVerifier({ key: { publicKeyPem: pem().toString() } })).rejects.toThrow(problem);
  });
});
