import { describe, expect, it } from 'vitest';
import type { moderation } from '@onair/proto';
import { moderationActionSchema, type ModerationAction } from './moderation/moderation-action.js';
import { actionOfProto, protoOfAction } from './moderation-proto.js';

const ACTIONS: ModerationAction[] = [
  { action: 'delete', id: 'm-1' },
  { action: 'clear' },
  { action: 'timeout', userId: 'u-1', seconds: 600 },
  { action: 'ban', userId: 'u-1' },
  { action: 'unban', userId: 'u-1' },
  { action: 'slow', seconds: 30 },
  { action: 'followers', on: true },
  { action: 'subscribers', on: false },
  { action: 'guests', on: true },
  { action: 'block_term', term: 'darn', termAction: 'mask' },
  { action: 'unblock_term', term: 'darn' },
  { action: 'approve', id: 'h-1' },
  { action: 'deny', id: 'h-2' },
  { action: 'overload', densityPerSec: 50, mergeIdentical: false },
  { action: 'overload', reset: true, roomRatePerSec: 0 },
];

/** What proto-loader hands a handler: the set field, and `kind` naming it (oneofs: true). */
function asReceived(action: moderation.Action): moderation.Action__Output {
  const [kind] = Object.keys(action) as Array<NonNullable<moderation.Action__Output['kind']>>;
  return { ...action, kind } as moderation.Action__Output;
}

describe('moderation actions over gRPC', () => {
  it.each(ACTIONS)('carries $action both ways unchanged, and it validates', (action) => {
    const back = actionOfProto(asReceived(protoOfAction(action)));
    expect(back).toEqual({ ok: true, value: action });
    expect(moderationActionSchema.safeParse(action).success).toBe(true);
  });

  it('refuses a request without an action, or a term without its action, naming the field', () => {
    expect(actionOfProto(null)).toMatchObject({ ok: false, rejection: { code: 'INVALID_ARGUMENT', field: 'action' } });
    const unspecified = asReceived({ blockTerm: { term: 'x', action: 'TERM_ACTION_UNSPECIFIED' } });
    expect(actionOfProto(unspecified)).toMatchObject({ ok: false, rejection: { field: 'action' } });
  });
});
