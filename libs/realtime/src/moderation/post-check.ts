import type { Rejection } from '../result.js';
import { isModerator, posterRank, roleRank } from './poster-rank.js';
import type { Poster } from '../identity.js';
import type { RoomState } from './room-state.js';

/** What moderation says about one post. */
export type Verdict =
  /** Deliver `text`: the post's, or masked where it holds terms the room masks. */
  | { readonly kind: 'allow'; readonly text: string }
  /** Keep the post for review: the caller shapes the message and calls `Moderation.hold`, and tells the poster. */
  | { readonly kind: 'hold' }
  /** Refuse the post; the rejection says what to show (BANNED, FORBIDDEN, SLOW_MODE, BLOCKED_TERM). */
  | { readonly kind: 'refuse'; readonly rejection: Rejection };

const refuse = (rejection: Rejection): Verdict => ({ kind: 'refuse', rejection });

/**
 * The room's rules for one post, in order: an active ban or timeout (set by a higher rank than the poster's) is
 * BANNED; moderators, broadcasters and admins pass as they are; then guests (FORBIDDEN unless the room takes
 * guests), followers mode (FORBIDDEN for guests), subscribers mode (FORBIDDEN below subscriber), slow mode
 * (SLOW_MODE with the wait) and blocked terms (BLOCKED_TERM, hold, or the masked text).
 */
export function checkPost(
  state: RoomState,
  defaults: { guests: boolean },
  poster: Poster,
  text: string,
  nowMs: number,
): Verdict {
  const ban = state.banOf(poster.userId, nowMs);
  if (ban !== undefined && ban.byRank > posterRank(poster)) {
    return ban.untilMs === null
      ? refuse({ code: 'BANNED', message: 'you are banned from this room' })
      : refuse({ code: 'BANNED', message: 'you are timed out in this room', untilMs: ban.untilMs });
  }
  if (isModerator(poster)) return { kind: 'allow', text };
  const settings = state.settingsOr(defaults);
  if (poster.guest && !settings.guests) {
    return refuse({ code: 'FORBIDDEN', message: 'this room takes posts from signed-in viewers only; sign in to post' });
  }
  if (poster.guest && settings.mode === 'followers') {
    return refuse({ code: 'FORBIDDEN', message: 'this room is in followers-only mode; sign in to post' });
  }
  if (settings.mode === 'subscribers' && posterRank(poster) < roleRank('subscriber')) {
    return refuse({ code: 'FORBIDDEN', message: 'this room is in subscribers-only mode' });
  }
  const last = state.lastPostMs.get(poster.userId);
  if (settings.slowModeS > 0 && last !== undefined) {
    const waitMs = last + settings.slowModeS * 1000 - nowMs;
    if (waitMs > 0) {
      return refuse({
        code: 'SLOW_MODE',
        message: `slow mode is on: wait ${Math.ceil(waitMs / 1000)} s before posting again`,
        waitMs,
      });
    }
  }
  const scan = state.terms.scan(text);
  switch (scan.action) {
    case undefined:
      return { kind: 'allow', text };
    case 'mask':
      return { kind: 'allow', text: scan.text };
    case 'hold':
      return { kind: 'hold' };
    case 'refuse':
      return refuse({ code: 'BLOCKED_TERM', message: 'the message holds a term this room blocks', field: 'text' });
  }
}

/** The rejection a poster gets for a held post (HELD_FOR_REVIEW), for the caller to send after `hold`. */
export const HELD_REJECTION: Rejection = {
  code: 'HELD_FOR_REVIEW',
  message: 'your message is held for a moderator to review',
};
