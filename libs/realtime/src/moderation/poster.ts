import { ROLES, type Role } from '../identity.js';

/** Who posts or acts in a room: a verified token's identity, or a guest without a token. */
export interface Poster {
  /** The token's `sub`; for a guest, an id the caller gives it (e.g. per connection). */
  readonly userId: string;
  /** Display name. */
  readonly name: string;
  /** The token's roles; a guest's are `['viewer']`. */
  readonly roles: readonly Role[];
  /** True when the poster has no token. */
  readonly guest: boolean;
}

/** Rank of a role: its index in {@link ROLES}, viewer 0 … admin 5. */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Rank of the poster's highest role; a guest ranks as a viewer whatever roles it claims. */
export function posterRank(poster: Poster): number {
  if (poster.guest) return roleRank('viewer');
  return Math.max(roleRank('viewer'), ...poster.roles.map(roleRank));
}

/** Rank from which a poster moderates: moderators, broadcasters and admins. */
export const MODERATOR_RANK = roleRank('moderator');

/** True for moderators, broadcasters and admins: they moderate and are exempt from the room's posting rules. */
export function isModerator(poster: Poster): boolean {
  return posterRank(poster) >= MODERATOR_RANK;
}
