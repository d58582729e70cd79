import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROOM_ID_PATTERN } from '@onair/contracts';

/** Random bytes in a stream key's secret (256 bits). */
const SECRET_BYTES = 32;

/**
 * Makes a new stream key `<roomId>_<secret>`, the secret 32 random bytes in base64url. The room id before the
 * first "_" lets a publish find its room with one read; room ids never contain "_".
 */
export function generateStreamKey(roomId: string): string {
  return `${roomId}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/**
 * SHA-256 of the whole stream key, hex: what the room store keeps instead of the key. A fast hash is enough
 * here: the secret is 256 random bits, so unlike a password there is nothing to guess from a leaked hash and
 * a slow KDF (scrypt, argon2) would only slow every publish down.
 */
export function hashStreamKey(streamKey: string): string {
  return createHash('sha256').update(streamKey, 'utf8').digest('hex');
}

/** The room id a stream key claims (the part before the first "_"), or undefined when it has no valid one. */
export function roomIdOfStreamKey(streamKey: string): string | undefined {
  const at = streamKey.indexOf('_');
  if (at <= 0) return undefined;
  const id = streamKey.slice(0, at);
  return ROOM_ID_PATTERN.test(id) ? id : undefined;
}

/** Compares a presented key with a stored hash in constant time (crypto.timingSafeEqual over the digests). */
export function streamKeyMatches(streamKey: string, storedHashHex: string): boolean {
  const presented = createHash('sha256').update(streamKey, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** Fewest characters of secret after "<room>_" in an operator-chosen stream key (e.g. `openssl rand -hex 16`). */
export const MIN_CHOSEN_SECRET_LENGTH = 32;
const CHOSEN_SECRET = new RegExp(`^[A-Za-z0-9_-]{${MIN_CHOSEN_SECRET_LENGTH},}$`);

/**
 * Why an operator-chosen stream key does not fit room `id`, or undefined when it does. It must read
 * `<id>_<secret>`, the secret at least {@link MIN_CHOSEN_SECRET_LENGTH} letters, digits, "-" or "_" (URL- and
 * OBS-safe; long enough that a fast hash keeps it safe, see {@link hashStreamKey}). The key itself is never in
 * the reason.
 */
export function chosenStreamKeyProblem(id: string, streamKey: string): string | undefined {
  if (!streamKey.startsWith(`${id}_`)) return `a stream key of room ${id} must start with "${id}_"`;
  if (!CHOSEN_SECRET.test(streamKey.slice(id.length + 1)))
    return `the secret after "${id}_" must be at least ${MIN_CHOSEN_SECRET_LENGTH} letters, digits, "-" or "_" (e.g. \`openssl rand -hex 16\`)`;
  return undefined;
}
