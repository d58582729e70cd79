/**
 * Keys of the moderation KV bucket. KV keys may only hold `[-/_=.a-zA-Z0-9]` (NATS ADR-8), so user ids, terms and
 * message ids are base64url-encoded UTF-8 (RFC 4648 §5, no padding); room ids ([a-z0-9-]) go as they are.
 *
 * - `room.<room>.settings`: the room's {@link RoomSettings}
 * - `room.<room>.ban.<userId>`: a ban or timeout
 * - `room.<room>.term.<term>`: a blocked term (normalised) and its action
 * - `room.<room>.held.<messageId>`: a post held for review
 * - `staff.<userId>`: the highest role seen for a moderator, broadcaster or admin (for PERMISSION_DENIED)
 */
export type ModerationKey =
  | { readonly kind: 'settings'; readonly room: string }
  | { readonly kind: 'ban'; readonly room: string; readonly userId: string }
  | { readonly kind: 'term'; readonly room: string; readonly term: string }
  | { readonly kind: 'held'; readonly room: string; readonly id: string }
  | { readonly kind: 'staff'; readonly userId: string };

const encode = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');
const decode = (value: string): string => Buffer.from(value, 'base64url').toString('utf8');

/** The KV key of `key`. */
export function moderationKey(key: ModerationKey): string {
  switch (key.kind) {
    case 'settings':
      return `room.${key.room}.settings`;
    case 'ban':
      return `room.${key.room}.ban.${encode(key.userId)}`;
    case 'term':
      return `room.${key.room}.term.${encode(key.term)}`;
    case 'held':
      return `room.${key.room}.held.${encode(key.id)}`;
    case 'staff':
      return `staff.${encode(key.userId)}`;
  }
}

/** What a KV key of the bucket names; undefined for a key this module does not write. */
export function parseModerationKey(key: string): ModerationKey | undefined {
  const parts = key.split('.');
  if (parts[0] === 'staff' && parts.length === 2) return { kind: 'staff', userId: decode(parts[1] ?? '') };
  if (parts[0] !== 'room') return undefined;
  const [, room = '', kind, encoded = ''] = parts;
  if (kind === 'settings' && parts.length === 3) return { kind, room };
  if (parts.length !== 4) return undefined;
  if (kind === 'ban') return { kind, room, userId: decode(encoded) };
  if (kind === 'term') return { kind, room, term: decode(encoded) };
  if (kind === 'held') return { kind, room, id: decode(encoded) };
  return undefined;
}
