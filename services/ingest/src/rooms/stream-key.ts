import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Room ids are slugs: lower-case letters, digits and '-', 1 to 64 characters (rooms.proto `Room.id`). */
export const ROOM_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

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
