import type { moderation } from '@onair/proto';
import type { RoomMessage } from './frames.js';
import type { AuditEntry } from './moderation/audit-log.js';
import type { ModerationAction, TermAction } from './moderation/moderation-action.js';
import { rejected, accepted, type Result } from './result.js';

const TERM_ACTION_OF_PROTO: Readonly<Record<string, TermAction>> = {
  TERM_ACTION_REFUSE: 'refuse',
  TERM_ACTION_MASK: 'mask',
  TERM_ACTION_HOLD: 'hold',
};

const PROTO_OF_TERM_ACTION: Readonly<Record<TermAction, moderation.TermAction>> = {
  refuse: 'TERM_ACTION_REFUSE',
  mask: 'TERM_ACTION_MASK',
  hold: 'TERM_ACTION_HOLD',
};

/**
 * The action object moderation takes (see moderationActionSchema, which still validates its fields) of an
 * onair.moderation.v1.Action; INVALID_ARGUMENT (field `action`) when no action is set or a term action is
 * unspecified.
 */
export function actionOfProto(action: moderation.Action__Output | null): Result<Record<string, unknown>> {
  switch (action?.kind) {
    case 'delete':
    case 'approve':
    case 'deny':
      return accepted({ action: action.kind, id: action[action.kind]?.id });
    case 'clear':
      return accepted({ action: 'clear' });
    case 'timeout':
      return accepted({ action: 'timeout', userId: action.timeout?.userId, seconds: action.timeout?.seconds });
    case 'ban':
    case 'unban':
      return accepted({ action: action.kind, userId: action[action.kind]?.userId });
    case 'slow':
      return accepted({ action: 'slow', seconds: action.slow?.seconds });
    case 'followers':
    case 'subscribers':
    case 'guests':
      return accepted({ action: action.kind, on: action[action.kind]?.on });
    case 'blockTerm': {
      const termAction = TERM_ACTION_OF_PROTO[action.blockTerm?.action ?? ''];
      if (termAction === undefined) return rejected('INVALID_ARGUMENT', 'blockTerm.action must be set', 'action');
      return accepted({ action: 'block_term', term: action.blockTerm?.term, termAction });
    }
    case 'unblockTerm':
      return accepted({ action: 'unblock_term', term: action.unblockTerm?.term });
    case 'overload': {
      const { densityPerSec, mergeIdentical, roomRatePerSec, reset } = action.overload ?? {};
      const fields = { densityPerSec, mergeIdentical, roomRatePerSec, reset: reset === true ? true : undefined };
      return accepted({
        action: 'overload',
        ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
      });
    }
    case undefined:
      return rejected('INVALID_ARGUMENT', 'set one action', 'action');
  }
}

/** The onair.moderation.v1.Action of a moderation action (its reason aside). */
export function protoOfAction(action: ModerationAction): moderation.Action {
  switch (action.action) {
    case 'delete':
    case 'approve':
    case 'deny':
      return { [action.action]: { id: action.id } };
    case 'clear':
      return { clear: {} };
    case 'timeout':
      return { timeout: { userId: action.userId, seconds: action.seconds } };
    case 'ban':
    case 'unban':
      return { [action.action]: { userId: action.userId } };
    case 'slow':
      return { slow: { seconds: action.seconds } };
    case 'followers':
    case 'subscribers':
    case 'guests':
      return { [action.action]: { on: action.on } };
    case 'block_term':
      return { blockTerm: { term: action.term, action: PROTO_OF_TERM_ACTION[action.termAction] } };
    case 'unblock_term':
      return { unblockTerm: { term: action.term } };
    case 'overload': {
      const { densityPerSec, mergeIdentical, roomRatePerSec, reset } = action;
      return { overload: { densityPerSec, mergeIdentical, roomRatePerSec, reset: reset ?? false } };
    }
  }
}

/** onair.moderation.v1.AuditEntry of an audit entry. */
export function protoOfAuditEntry(entry: AuditEntry): moderation.AuditEntry {
  return {
    room: entry.room,
    actor: entry.actor,
    action: protoOfAction(entry.action),
    reason: entry.reason ?? '',
    atMs: entry.atMs,
  };
}

/** onair.moderation.v1.HeldPost of a held post. */
export function protoOfHeld({ id, room, userId, name, text, sentAtMs }: RoomMessage): moderation.HeldPost {
  return { id, room, userId, name, text, sentAtMs };
}
