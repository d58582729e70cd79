import { describe, expect, it } from 'vitest';
import { identityAllowsRoom, identityOf, tokenClaimsSchema, type Identity } from './identity.js';

const VALID = { sub: 'u-1', name: 'Alice', roles: ['viewer'], exp: 1_800_000_000 };

describe('tokenClaimsSchema', () => {
  it.each([
    ['the least', {}],
    ['every role', { roles: ['viewer', 'subscriber', 'vip', 'moderator', 'broadcaster', 'admin'] }],
    ['rooms', { rooms: ['demo', 'studio-2'] }],
    ['a 128-character sub', { sub: 'u'.repeat(128) }],
    ['a 64-character name', { name: '名'.repeat(64) }],
    ['other claims', { iss: 'https://id.test', aud: ['a', 'b'], iat: 1, jti: 'x' }],
  ])('takes %s', (_, change) => {
    expect(tokenClaimsSchema.safeParse({ ...VALID, ...change }).success).toBe(true);
  });

  it.each([
    ['no sub', { sub: undefined }, 'sub must be a string'],
    ['an empty sub', { sub: '' }, 'sub must not be empty'],
    ['a 129-character sub', { sub: 'u'.repeat(129) }, 'sub must be at most 128 characters'],
    ['no name', { name: undefined }, 'name must be a string'],
    ['a blank name', { name: '   ' }, 'name must not be empty'],
    ['a 65-character name', { name: 'n'.repeat(65) }, 'name must be at most 64 characters'],
    ['a name with a line break', { name: 'a\nb' }, 'name must not contain control characters'],
    ['no roles', { roles: undefined }, 'roles must be a list'],
    ['empty roles', { roles: [] }, 'roles must not be empty'],
    ['an unknown role', { roles: ['viewer', 'owner'] }, 'roles must be among viewer, subscriber'],
    ['a role twice', { roles: ['vip', 'vip'] }, 'roles must not repeat'],
    ['a role in capitals', { roles: ['Admin'] }, 'roles must be among'],
    ['roles as a string', { roles: 'admin' }, 'roles must be a list'],
    ['empty rooms', { rooms: [] }, 'rooms must not be empty'],
    ['a bad room id', { rooms: ['Demo Room'] }, 'room must be 1 to 64 characters'],
    ['a room twice', { rooms: ['demo', 'demo'] }, 'rooms must not repeat'],
    ['no exp', { exp: undefined }, 'exp must be a number'],
    ['exp as a string', { exp: '1800000000' }, 'exp must be a number'],
  ])('refuses %s', (_, change, message) => {
    const parsed = tokenClaimsSchema.safeParse({ ...VALID, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });
});

describe('identityOf', () => {
  it('names the claims in our terms, exp in ms', () => {
    const claims = tokenClaimsSchema.parse({ ...VALID, name: ' Alice ', rooms: ['demo'], iss: 'x' });
    expect(identityOf(claims)).toEqual({
      userId: 'u-1',
      name: 'Alice',
      roles: ['viewer'],
      rooms: ['demo'],
      expiresAtMs: 1_800_000_000_000,
    });
    expect(identityOf(tokenClaimsSchema.parse(VALID))).not.toHaveProperty('rooms');
  });
});

describe('identityAllowsRoom', () => {
  const base: Identity = { userId: 'u', name: 'n', roles: ['viewer'], expiresAtMs: 0 };
  it.each([
    ['no rooms claim', base, 'demo', true],
    ['a listed room', { ...base, rooms: ['demo', 'studio'] }, 'studio', true],
    ['an unlisted room', { ...base, rooms: ['demo'] }, 'studio', false],
    ['a room that only starts like a listed one', { ...base, rooms: ['demo'] }, 'demo-2', false],
  ])('%s', (_, identity, room, allowed) => {
    expect(identityAllowsRoom(identity, room)).toBe(allowed);
  });
});
