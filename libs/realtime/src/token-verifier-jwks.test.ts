import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { createHmac } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnairError } from '@onair/runtime';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';

/** A signing key of a key set: its kid, algorithm, private key and public JWK. */
interface SetKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function setKey(kid: string, alg: SetKey['alg']): Promise<SetKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint (RFC 7517 §5) on loopback whose key set the test changes; it counts the fetches. */
class JwksServer {
  keys: SetKey[] = [];
  status = 200;
  fetches = 0;
  private readonly server: Server = createServer((_req, res) => {
    this.fetches += 1;
    res.writeHead(this.status, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
  });

  async start(): Promise<URL> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

const exp = (): number => Math.floor(Date.now() / 1000) + 60;
const CLAIMS = { sub: 'u-7', name: 'Bob', roles: ['viewer'] };

function sign(key: SetKey, kid = key.kid): Promise<string> {
  return new SignJWT({ ...CLAIMS, exp: exp() }).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey);
}

async function refusal(verifier: TokenVerifier, token: string): Promise<OnairError> {
  const err: unknown = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OnairError)) throw new Error(`expected an OnairError, got ${String(err)}`);
  return err;
}

describe('a JWKS verifier', () => {
  const server = new JwksServer();
  let url: URL;
  let a: SetKey, b: SetKey, c: SetKey;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([setKey('a', 'RS256'), setKey('b', 'ES256'), setKey('c', 'EdDSA')]);
    url = await server.start();
  });
  afterAll(() => server.stop());

  it('follows a key rotation: a new kid fetches the set again, a removed kid is refused', async () => {
    server.keys = [a];
    const fetchesBefore = server.fetches;
    const verifier = await createTokenVerifier({ key: { jwksUrl: url, jwksCooldownMs: 0 } });
    await expect(verifier.verify(await sign(a))).resolves.toMatchObject({ userId: 'u-7' });
    await expect(verifier.verify(await sign(a))).resolves.toMatchObject({ userId: 'u-7' });
    expect(server.fetches - fetchesBefore).toBe(1);

    server.keys = [b, c];
    await expect(verifier.verify(await sign(b))).resolves.toMatchObject({ userId: 'u-7' });
    await expect(verifier.verify(await sign(c))).resolves.toMatchObject({ userId: 'u-7' });
    expect(server.fetches - fetchesBefore).toBe(2);

    const err = await refusal(verifier, await sign(a));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('no key of the key set matches the token');
  });

  it('fetches again for an unknown kid at most once per cooldown', async () => {
    server.keys = [a];
    const verifier = await createTokenVerifier({ key: { jwksUrl: url } });
    await expect(verifier.verify(await sign(a))).resolves.toMatchObject({ userId: 'u-7' });
    const fetches = server.fetches;
    server.keys = [a, b];
    expect((await refusal(verifier, await sign(b))).message).toBe('no key of the key set matches the token');
    expect(server.fetches).toBe(fetches);
  });

  it('refuses alg: none and an HS256 token keyed with a public key, before fetching anything', async () => {
    server.keys = [a];
    const verifier = await createTokenVerifier({ key: { jwksUrl: url, jwksCooldownMs: 0 } });
    const fetches = server.fetches;
    const payload = base64url.encode(JSON.stringify({ ...CLAIMS, exp: exp() }));
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'a' }))}.${payload}.`;
    const hsHeader = base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'a' }));
    const mac = createHmac('sha256', JSON.stringify(a.jwk)).update(`${hsHeader}.${payload}`).digest('base64url');
    for (const token of [none, `${hsHeader}.${payload}.${mac}`]) {
      expect((await refusal(verifier, token)).message).toBe('token algorithm is not allowed for this key');
    }
    expect(server.fetches).toBe(fetches);
  });

  it('answers UNAVAILABLE while the key set cannot be fetched', async () => {
    server.keys = [a];
    server.status = 500;
    try {
      const verifier = await createTokenVerifier({ key: { jwksUrl: url } });
      const err = await refusal(verifier, await sign(a));
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toMatch(/JWKS/);
    } finally {
      server.status = 200;
    }
  });

  it('answers UNAVAILABLE when nothing listens at the URL', async () => {
    const verifier = await createTokenVerifier({ key: { jwksUrl: new URL('http://127.0.0.1:1/jwks.json') } });
    expect((await refusal(verifier, await sign(a))).code).toBe('UNAVAILABLE');
  });
});
