import { describe, expect, it } from 'vitest';
import { validate } from '../validate.js';
import { moderationActionSchema } from './moderation-action.js';

const FOURTEEN_DAYS_S = 14 * 24 * 3600;

describe('moderationActionSchema', () => {
  it.each([
    [{ action: 'delete', id: 'm-1' }],
    [{ action: 'clear', reason: 'spam wave' }],
    [{ action: 'timeout', userId: 'u1', seconds: 1 }],
    [{ action: 'timeout', userId: 'u1', seconds: FOURTEEN_DAYS_S }],
    [{ action: 'ban', userId: 'ü@example' }],
    [{ action: 'unban', userId: 'u1' }],
    [{ action: 'slow', seconds: 0 }],
    [{ action: 'slow', seconds: 3 }],
    [{ action: 'slow', seconds: 120 }],
    [{ action: 'followers', on: true }],
    [{ action: 'subscribers', on: false }],
    [{ action: 'guests', on: true }],
    [{ action: 'block_term', term: 'spoiler', termAction: 'mask' }],
    [{ action: 'block_term', term: 'ＢＡＤ', termAction: 'refuse' }],
    [{ action: 'block_term', term: 'link', termAction: 'hold' }],
    [{ action: 'unblock_term', term: 'spoiler' }],
    [{ action: 'approve', id: 'm-2' }],
    [{ action: 'deny', id: 'm-3', reason: 'r'.repeat(200) }],
    [{ action: 'overload', densityPerSec: 50 }],
    [{ action: 'overload', mergeIdentical: false, roomRatePerSec: 0 }],
    [{ action: 'overload', reset: true }],
    [{ action: 'overload', reset: true, densityPerSec: 100_000, reason: 'final minute' }],
  ])('accepts %j', (input) => {
    expect(validate(moderationActionSchema, input)).toEqual({ ok: true, value: input });
  });

  it('trims the reason and the term', () => {
    expect(
      validate(moderationActionSchema, { action: 'block_term', term: ' x ', termAction: 'mask', reason: ' why ' }),
    ).toEqual({ ok: true, value: { action: 'block_term', term: 'x', termAction: 'mask', reason: 'why' } });
  });

  it.each([
    [{ action: 'kick' }, 'action', 'action must be one of delete, clear, timeout'],
    [{}, 'action', 'action must be one of'],
    [{ action: 'delete' }, 'id', 'id must be a string'],
    [{ action: 'delete', id: '' }, 'id', 'id must not be empty'],
    [{ action: 'timeout', userId: 'u1', seconds: 0 }, 'seconds', 'seconds must be at least 1'],
    [{ action: 'timeout', userId: 'u1', seconds: FOURTEEN_DAYS_S + 1 }, 'seconds', 'seconds must be at most'],
    [{ action: 'timeout', userId: 'u1', seconds: 1.5 }, 'seconds', 'seconds must be whole seconds'],
    [{ action: 'timeout', userId: 'u1', seconds: '60' }, 'seconds', 'seconds must be a number'],
    [{ action: 'timeout', seconds: 60 }, 'userId', 'userId must be a string'],
    [{ action: 'ban', userId: 'u'.repeat(129) }, 'userId', 'userId must be at most 128 characters'],
    [{ action: 'slow', seconds: 1 }, 'seconds', 'seconds must be 0 (off) or 3 to 120'],
    [{ action: 'slow', seconds: 2 }, 'seconds', 'seconds must be 0 (off) or 3 to 120'],
    [{ action: 'slow', seconds: 121 }, 'seconds', 'seconds must be 0 (off) or 3 to 120'],
    [{ action: 'slow', seconds: -1 }, 'seconds', 'seconds must be 0 (off) or 3 to 120'],
    [{ action: 'followers', on: 'yes' }, 'on', 'on must be true or false'],
    [{ action: 'block_term', term: 'x', termAction: 'ban' }, 'termAction', 'termAction must be one of'],
    [{ action: 'block_term', term: '  ', termAction: 'mask' }, 'term', 'term must not be empty'],
    [{ action: 'block_term', term: 'x'.repeat(101), termAction: 'mask' }, 'term', 'term must be at most 100'],
    [{ action: 'clear', reason: 'r'.repeat(201) }, 'reason', 'reason must be at most 200 characters'],
    [{ action: 'clear', reason: 'a\nb' }, 'reason', 'reason must not contain control characters'],
    [{ action: 'overload' }, undefined, 'set densityPerSec, mergeIdentical, roomRatePerSec or reset'],
    [{ action: 'overload', reset: false }, undefined, 'set densityPerSec, mergeIdentical, roomRatePerSec or reset'],
    [{ action: 'overload', densityPerSec: -1 }, 'densityPerSec', 'densityPerSec must not be negative'],
    [{ action: 'overload', densityPerSec: 2.5 }, 'densityPerSec', 'densityPerSec must be a whole number'],
    [{ action: 'overload', roomRatePerSec: 100_001 }, 'roomRatePerSec', 'roomRatePerSec must be at most 100000'],
    [{ action: 'overload', mergeIdentical: 'on' }, 'mergeIdentical', 'mergeIdentical must be true or false'],
  ])('rejects %j: %s %s', (input, field, message) => {
    const result = validate(moderationActionSchema, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe('INVALID_ARGUMENT');
    expect(result.rejection.field).toBe(field);
    expect(result.rejection.message).toContain(message);
  });
});
