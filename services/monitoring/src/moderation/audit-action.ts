import type { moderation } from '@onair/proto';
import type { ModerationAction, ModerationService } from '../status/status-types.js';

/** The action's name as the dashboard shows it: the oneof field of onair.moderation.v1.Action in snake case. */
const ACTION_NAMES = {
  delete: 'delete',
  clear: 'clear',
  timeout: 'timeout',
  ban: 'ban',
  unban: 'unban',
  slow: 'slow',
  followers: 'followers',
  subscribers: 'subscribers',
  guests: 'guests',
  blockTerm: 'block_term',
  unblockTerm: 'unblock_term',
  approve: 'approve',
  deny: 'deny',
  overload: 'overload',
} as const satisfies Record<NonNullable<moderation.Action__Output['kind']>, string>;

const onOff = (on: boolean): string => (on ? 'on' : 'off');

/** The overload fields an action set, e.g. "density 20/s, merge on" ("reset" first when it resets). */
function overloadDetail(o: moderation.Overload__Output): string {
  const parts = o.reset ? ['reset'] : [];
  if (o.densityPerSec !== undefined) parts.push(`density ${o.densityPerSec}/s`);
  if (o.mergeIdentical !== undefined) parts.push(`merge ${onOff(o.mergeIdentical)}`);
  if (o.roomRatePerSec !== undefined) parts.push(`room rate ${o.roomRatePerSec}/s`);
  return parts.join(', ');
}

/** What an action acts on and its setting: `[target, detail]`. */
function targetAndDetail(action: moderation.Action__Output): [string, string] {
  const a = action;
  if (a.delete) return [a.delete.id, ''];
  if (a.approve) return [a.approve.id, ''];
  if (a.deny) return [a.deny.id, ''];
  if (a.timeout) return [a.timeout.userId, `${a.timeout.seconds} s`];
  if (a.ban) return [a.ban.userId, ''];
  if (a.unban) return [a.unban.userId, ''];
  if (a.slow) return ['', a.slow.seconds === 0 ? 'off' : `${a.slow.seconds} s`];
  if (a.followers) return ['', onOff(a.followers.on)];
  if (a.subscribers) return ['', onOff(a.subscribers.on)];
  if (a.guests) return ['', onOff(a.guests.on)];
  if (a.blockTerm)
    return [
      a.blockTerm.term,
      String(a.blockTerm.action)
        .replace(/^TERM_ACTION_/, '')
        .toLowerCase(),
    ];
  if (a.unblockTerm) return [a.unblockTerm.term, ''];
  if (a.overload) return ['', overloadDetail(a.overload)];
  return ['', ''];
}

/**
 * The dashboard's form of one entry of ModerationService.GetAuditLog (proto/onair/moderation/v1/moderation.proto)
 * from `service`: the action's name, its target (user id, message id or term) and setting, and the actor's name (its
 * user id when it has none). Undefined for an entry without an action (one from a newer contract).
 */
export function moderationAction(
  service: ModerationService,
  entry: moderation.AuditEntry__Output,
): ModerationAction | undefined {
  const kind = entry.action?.kind;
  if (!entry.action || kind === undefined) return undefined;
  const [target, detail] = targetAndDetail(entry.action);
  const actor = entry.actor?.name || entry.actor?.userId || '';
  return {
    service,
    room: entry.room,
    atMs: entry.atMs,
    action: ACTION_NAMES[kind],
    detail,
    actor,
    target,
    reason: entry.reason,
  };
}
