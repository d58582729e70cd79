import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { OnairError } from '@onair/runtime';
import { issueToken } from './token-issuer.js';
import { createTokenVerifier } from './token-verifier.js';

const SECRET = randomBytes(32).toString('base64url');
const GRANT = { userId: 'alice', name: 'Alice', roles: ['moderator'] as const };

describe('issueToken', () => {
  it('signs an HS256 token that a verifier with the same secret takes', async () => {
    const before = Date.now();
    const token = await issueToken(SECRET, { ...GRANT, rooms: ['demo'] }, 3_600_000);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const identity = await (await createTokenVerifier({ key: { secret: SECRET } })).verify(token);
    expect(identity).toMatchObject({ userId: 'alice', name: 'Alice', roles: ['moderator'], rooms: ['demo'] });
    expect(identity.expiresAtMs).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(identity.expiresAtMs).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
    expect(decodeJwt(token).iat).toBe(identity.expiresAtMs / 1000 - 3600);
  });

  it('sets iss and aud when asked, so a verifier that wants them takes the token', async () => {
    const token = await issueToken(SECRET, GRANT, 60_000, { issuer: 'onair', audience: 'chat' });
    const verifier = await createTokenVerifier({ key: { secret: SECRET }, issuer: 'onair', audience: 'chat' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'alice' });
    const bare = await issueToken(SECRET, GRANT, 60_000);
    await expect(verifier.verify(bare)).rejects.toThrow('token lacks the iss claim');
  });

  it.each([
    ['a short secret', 'x'.repeat(31), GRANT, 60_000, /secret must be at least 32 bytes/, undefined],
    ['a zero TTL', SECRET, GRANT, 0, /time to live/, undefined],
    ['an unknown role', SECRET, { ...GRANT, roles: ['owner'] }, 60_000, /roles must be among/, 'roles.0'],
    ['no role', SECRET, { ...GRANT, roles: [] }, 60_000, /roles must not be empty/, 'roles'],
    ['a bad room', SECRET, { ...GRANT, rooms: ['No Room'] }, 60_000, /room must be/, 'rooms.0'],
    ['an empty name', SECRET, { ...GRANT, name: ' ' }, 60_000, /name must not be empty/, 'name'],
  ])('refuses %s as INVALID_ARGUMENT, never echoing the secret', async (_, secret, grant, ttl, message, field) => {
    const err: unknown = await issueToken(secret, grant as typeof GRANT, ttl).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnairError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect((err as OnairError).message).toMatch(message);
    expect((err as OnairError).message).not.toContain(secret);
  });
});
