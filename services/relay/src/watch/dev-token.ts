import { readFile } from 'node:fs/promises';
import { issueToken, type Role } from '@onair/realtime';
import { OnairError } from '@onair/runtime';

/** How long a development token is good for, ms. */
export const DEV_TOKEN_TTL_MS = 3_600_000;
/** The roles a development sign-in may ask for. */
const DEV_ROLES: ReadonlySet<string> = new Set<Role>(['viewer', 'moderator']);
/** A display name: 1–32 letters, digits, spaces, `_` or `-`. */
const NAME = /^[\p{L}\p{N} _-]{1,32}$/u;

/** Signs development viewer tokens for a name and role (see {@link createDevTokens}). */
export type DevTokens = (query: URLSearchParams) => Promise<string>;

/**
 * The development sign-in of the watch page (`npm start` only): reads the shared JWT secret danmaku and chat verify
 * (`.onair/jwt-secret`) once, then signs a token for `name` and `role` (`viewer` or `moderator`) of the query, user id
 * `dev-<name>`, every room, good for {@link DEV_TOKEN_TTL_MS}.
 * @throws (the returned function) OnairError INVALID_ARGUMENT naming `name` or `role`.
 * @throws (this function) the read error when the file cannot be read; the secret is never in a message.
 */
export async function createDevTokens(secretFile: string): Promise<DevTokens> {
  const secret = (await readFile(secretFile, 'utf8')).trim();
  return async (query) => {
    const name = query.get('name') ?? '';
    const role = query.get('role') ?? 'viewer';
    if (!NAME.test(name))
      throw new OnairError('INVALID_ARGUMENT', 'name must be 1-32 letters, digits, spaces, _ or -', { field: 'name' });
    if (!DEV_ROLES.has(role))
      throw new OnairError('INVALID_ARGUMENT', 'role must be viewer or moderator', { field: 'role' });
    return issueToken(secret, { userId: `dev-${name}`, name, roles: [role as Role] }, DEV_TOKEN_TTL_MS);
  };
}
