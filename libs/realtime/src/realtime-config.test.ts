import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@onair/runtime';
import { durationMs, parseDuration, realtimeConfigSpec, tokenVerifierFromConfig } from './realtime-config.js';

const spec = realtimeConfigSpec({
  prefix: 'T_',
  httpPort: 1,
  grpcPort: 2,
  maxTextLength: 100,
  ratePerSec: 5,
  rateBurst: 10,
  historySize: 50,
  historyDoc: 'doc',
  mergeIdentical: false,
  densityPerSec: 0,
});

describe('parseDuration', () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 2h ', 7_200_000],
    ['', undefined],
    ['1.5h', undefined],
    ['-1s', undefined],
    ['1w', undefined],
    ['h', undefined],
  ])('%j → %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('durationMs', () => {
  it('converts a valid duration and throws on a malformed one', () => {
    expect(durationMs('7d')).toBe(604_800_000);
    expect(() => durationMs('soon')).toThrow(RangeError);
  });
});

describe('realtimeConfigSpec', () => {
  it('uses the defaults', () => {
    const { config } = loadConfig(spec, 'T_', {});
    expect(config).toMatchObject({
      httpPort: 1,
      grpcPort: 2,
      maxTextLength: 100,
      maxFrameBytes: 4096,
      retention: '7d',
    });
  });

  it('reads prefixed variables and reports unknown ones', () => {
    const { config, unknown } = loadConfig(spec, 'T_', {
      T_RETENTION: '24h',
      T_RATE_PER_SEC: '0.5',
      T_HISTORY_SIZE: '20',
      T_TYPO: '1',
    });
    expect(config).toMatchObject({ retention: '24h', ratePerSec: 0.5, historySize: 20 });
    expect(unknown).toEqual(['T_TYPO']);
  });

  it.each([
    ['T_RETENTION', 'soon'],
    ['T_RETENTION', '10ms'],
    ['T_RATE_BURST', '0'],
    ['T_MAX_FRAME_BYTES', '10'],
    ['T_HTTP_PORT', '70000'],
  ])('names %s=%s when invalid', (name, value) => {
    expect(() => loadConfig(spec, 'T_', { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig(spec, 'T_', { [name]: value })).toThrow(name);
  });
});

describe('the T_JWT_* fields', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-jwt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pair = generateKeyPairSync('ed25519');
  const publicKeyFile = join(dir, 'ed25519.pem');
  writeFileSync(publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const privateKeyFile = join(dir, 'private.pem');
  writeFileSync(privateKeyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const secret = 's'.repeat(32);
  const token = (payload: object, key: Parameters<SignJWT['sign']>[0], alg: string): Promise<string> =>
    new SignJWT({ sub: 'u', name: 'N', roles: ['viewer'], ...payload })
      .setProtectedHeader({ alg })
      .setExpirationTime('1m')
      .sign(key);

  it('builds no verifier when no key source is set', async () => {
    expect(await tokenVerifierFromConfig(loadConfig(spec, 'T_', {}).config)).toBeUndefined();
  });

  it('builds a verifier from a public key file, with issuer and audience', async () => {
    const env = { T_JWT_PUBLIC_KEY_FILE: publicKeyFile, T_JWT_ISSUER: 'idp', T_JWT_AUDIENCE: 'chat' };
    const verifier = await tokenVerifierFromConfig(loadConfig(spec, 'T_', env).config);
    const good = await token({ iss: 'idp', aud: 'chat' }, pair.privateKey, 'EdDSA');
    await expect(verifier?.verify(good)).resolves.toMatchObject({ userId: 'u' });
    const otherAudience = await token({ iss: 'idp', aud: 'danmaku' }, pair.privateKey, 'EdDSA');
    await expect(verifier?.verify(otherAudience)).rejects.toThrow('token audience is not accepted');
  });

  it('builds an HS256 verifier from the secret', async () => {
    const verifier = await tokenVerifierFromConfig(loadConfig(spec, 'T_', { T_JWT_SECRET: secret }).config);
    const key = new TextEncoder().encode(secret);
    await expect(verifier?.verify(await token({}, key, 'HS256'))).resolves.toMatchObject({ userId: 'u' });
  });

  it('builds an HS256 verifier from a secret file, its line break dropped, and names a short one', async () => {
    const file = join(dir, 'jwt-secret');
    writeFileSync(file, `${secret}\n`);
    const verifier = await tokenVerifierFromConfig(loadConfig(spec, 'T_', { T_JWT_SECRET_FILE: file }).config);
    const key = new TextEncoder().encode(secret);
    await expect(verifier?.verify(await token({}, key, 'HS256'))).resolves.toMatchObject({ userId: 'u' });
    writeFileSync(file, 'short');
    expect(() => loadConfig(spec, 'T_', { T_JWT_SECRET_FILE: file })).toThrow(/holds fewer than 32 bytes/);
    expect(() => loadConfig(spec, 'T_', { T_JWT_SECRET_FILE: file })).not.toThrow(/short/);
  });

  it.each([
    { T_JWT_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' },
    { T_JWT_JWKS_URL: 'http://localhost:8080/jwks.json' },
    { T_JWT_JWKS_URL: 'http://127.0.0.1/jwks.json' },
    { T_JWT_JWKS_URL: 'http://[::1]:9000/jwks.json' },
  ])('takes %j', (env) => {
    expect(loadConfig(spec, 'T_', env).config.jwtJwksUrl).toBe(env.T_JWT_JWKS_URL);
  });

  it.each([
    [{ T_JWT_SECRET: 'short' }, 'T_JWT_SECRET: expected at least 32 characters'],
    [
      { T_JWT_JWKS_URL: 'http://id.example.com/jwks.json' },
      'T_JWT_JWKS_URL="http://id.example.com/jwks.json": expected',
    ],
    [{ T_JWT_JWKS_URL: 'ftp://localhost/jwks.json' }, 'T_JWT_JWKS_URL="ftp://localhost/jwks.json": expected'],
    [{ T_JWT_JWKS_URL: 'not a url' }, 'T_JWT_JWKS_URL="not a url": expected an https:// URL'],
    [{ T_JWT_PUBLIC_KEY_FILE: join(dir, 'missing.pem') }, 'T_JWT_PUBLIC_KEY_FILE: cannot verify tokens with'],
    [{ T_JWT_PUBLIC_KEY_FILE: privateKeyFile }, 'private.pem: expected a PEM public key'],
    [
      { T_JWT_SECRET: secret, T_JWT_PUBLIC_KEY_FILE: publicKeyFile },
      'T_JWT_SECRET: set only one of T_JWT_SECRET, T_JWT_SECRET_FILE, T_JWT_PUBLIC_KEY_FILE or T_JWT_JWKS_URL',
    ],
    [
      { T_JWT_PUBLIC_KEY_FILE: publicKeyFile, T_JWT_JWKS_URL: 'https://id.example.com/jwks.json' },
      'T_JWT_JWKS_URL: set only one of',
    ],
    [
      { T_JWT_ISSUER: 'idp' },
      'T_JWT_ISSUER: set T_JWT_SECRET, T_JWT_SECRET_FILE, T_JWT_PUBLIC_KEY_FILE or T_JWT_JWKS_URL too',
    ],
    [{ T_JWT_AUDIENCE: 'chat' }, 'T_JWT_AUDIENCE: set T_JWT_SECRET'],
  ])('refuses %j', (env, problem) => {
    const load = (): unknown => loadConfig(spec, 'T_', env);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(problem);
  });

  it('never writes the secret in an error', () => {
    const almost = 'p'.repeat(31);
    let message = '';
    try {
      loadConfig(spec, 'T_', { T_JWT_SECRET: almost });
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toContain('T_JWT_SECRET');
    expect(message).not.toContain(almost);
  });
});
