import { describe, expect, it } from 'vitest';
import type { moderation } from '@onair/proto';
import { moderationAction } from './audit-action.js';

const entry = (action: moderation.Action__Output | null, actor = { userId: 'mod-7', name: 'Dana' }) => ({
  room: 'demo',
  actor,
  action,
  reason: 'spam',
  atMs: 1_700_000_000_000,
});

describe('moderationAction', () => {
  it.each<[string, moderation.Action__Output, string, string, string]>([
    ['delete', { kind: 'delete', delete: { id: 'm-1' } }, 'delete', 'm-1', ''],
    ['clear', { kind: 'clear', clear: {} }, 'clear', '', ''],
    ['timeout', { kind: 'timeout', timeout: { userId: 'u-1', seconds: 600 } }, 'timeout', 'u-1', '600 s'],
    ['ban', { kind: 'ban', ban: { userId: 'u-2' } }, 'ban', 'u-2', ''],
    ['unban', { kind: 'unban', unban: { userId: 'u-2' } }, 'unban', 'u-2', ''],
    ['slow on', { kind: 'slow', slow: { seconds: 10 } }, 'slow', '', '10 s'],
    ['slow off', { kind: 'slow', slow: { seconds: 0 } }, 'slow', '', 'off'],
    ['followers', { kind: 'followers', followers: { on: true } }, 'followers', '', 'on'],
    ['subscribers', { kind: 'subscribers', subscribers: { on: false } }, 'subscribers', '', 'off'],
    ['guests', { kind: 'guests', guests: { on: true } }, 'guests', '', 'on'],
    [
      'block term',
      { kind: 'blockTerm', blockTerm: { term: 'badword', action: 'TERM_ACTION_MASK' } },
      'block_term',
      'badword',
      'mask',
    ],
    ['unblock term', { kind: 'unblockTerm', unblockTerm: { term: 'badword' } }, 'unblock_term', 'badword', ''],
    ['approve', { kind: 'approve', approve: { id: 'h-1' } }, 'approve', 'h-1', ''],
    ['deny', { kind: 'deny', deny: { id: 'h-2' } }, 'deny', 'h-2', ''],
    [
      'overload',
      { kind: 'overload', overload: { reset: true, densityPerSec: 20, mergeIdentical: false } },
      'overload',
      '',
      'reset, density 20/s, merge off',
    ],
  ])('%s', (_name, action, name, target, detail) => {
    expect(moderationAction('chat', entry(action))).toEqual({
      service: 'chat',
      room: 'demo',
      atMs: 1_700_000_000_000,
      action: name,
      detail,
      actor: 'Dana',
      target,
      reason: 'spam',
    });
  });

  it('names the actor by user id when it has no name, and skips an entry without an action', () => {
    const ban: moderation.Action__Output = { kind: 'ban', ban: { userId: 'u-3' } };
    expect(moderationAction('danmaku', entry(ban, { userId: 'service:moderation', name: '' }))).toMatchObject({
      service: 'danmaku',
      actor: 'service:moderation',
    });
    expect(moderationAction('chat', entry(null))).toBeUndefined();
    expect(moderationAction('chat', entry({}))).toBeUndefined();
  });
});
