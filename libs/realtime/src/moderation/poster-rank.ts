import { ROLES, type Poster, type Role } from '../identity.js';

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

/** The badge of a poster's messages: its highest role when it moderates (see isModerator), else undefined. */
export function posterBadge(poster: Poster): Role | undefined {
  return isModerator(poster) ? ROLES[posterRank(poster)] : undefined;
}
