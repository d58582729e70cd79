import { z } from 'zod';
import { field, type ConfigSpec } from '@onair/runtime';

/** Most posts per second a user or room limit may be set to. */
export const MAX_POST_RATE_PER_SEC = 100_000;

const int = (min: number, max: number): z.ZodType<number> => z.coerce.number().int().min(min).max(max);

/**
 * The `<prefix>USER_RATE_*`, `<prefix>ROOM_RATE_*` and `<prefix>DUPLICATE_WINDOW_MS` fields: the post limits of one
 * instance beyond each connection's own (see PostLimits). Defaults suit a public platform: a user 2 posts/s with 5 at
 * once, no room limit, the same text refused for 10 s.
 */
export function postLimitFields(p: string) {
  return {
    userRatePerSec: field(
      z.coerce.number().min(0).max(MAX_POST_RATE_PER_SEC),
      `${p}USER_RATE_PER_SEC`,
      2,
      "Sustained posts per second of one user (the token's user id; a guest's guest id) on one instance, over all " +
        'its sockets and the gRPC posts naming it; beyond it RATE_LIMITED, scope `user`. Moderators, the ' +
        'broadcaster and admins are exempt. 0: no limit.',
    ),
    userRateBurst: field(int(1, MAX_POST_RATE_PER_SEC), `${p}USER_RATE_BURST`, 5, 'Posts one user may make at once.'),
    roomRatePerSec: field(
      int(0, MAX_POST_RATE_PER_SEC),
      `${p}ROOM_RATE_PER_SEC`,
      0,
      'Sustained posts per second one room takes on one instance (each instance counts its own); beyond it ' +
        'RATE_LIMITED, scope `room`. A moderator may set it per room (`overload` action). 0: no limit.',
    ),
    roomRateBurst: field(
      int(1, MAX_POST_RATE_PER_SEC),
      `${p}ROOM_RATE_BURST`,
      100,
      'Posts one room takes at once on one instance, under its room rate (configured or set per room).',
    ),
    duplicateWindowMs: field(
      int(0, 3_600_000),
      `${p}DUPLICATE_WINDOW_MS`,
      10_000,
      'The same text (trimmed, case-folded, white space collapsed) from the same user within this is refused ' +
        '(DUPLICATE), ms; a resend under the same `key` is not. 0: duplicates pass.',
    ),
  } satisfies ConfigSpec;
}
