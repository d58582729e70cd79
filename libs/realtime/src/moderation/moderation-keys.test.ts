import { describe, expect, it } from 'vitest';
import { moderationKey, parseModerationKey, type ModerationKey } from './moderation-keys.js';

const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

describe('moderation keys', () => {
  it.each<[ModerationKey, string]>([
    [{ kind: 'settings', room: 'demo' }, 'room.demo.settings'],
    [{ kind: 'ban', room: 'demo', userId: 'alice' }, 'room.demo.ban.YWxpY2U'],
    [{ kind: 'ban', room: 'demo', userId: 'a.b c/ü*>' }, 'room.demo.ban.YS5iIGMvw7wqPg'],
    [{ kind: 'term', room: 'r-1', term: '坏蛋' }, 'room.r-1.term.5Z2P6JuL'],
    [{ kind: 'held', room: 'r-1', id: '3f1c-9a' }, 'room.r-1.held.M2YxYy05YQ'],
    [{ kind: 'staff', userId: 'mod' }, 'staff.bW9k'],
  ])('%j ↔ %s', (key, encoded) => {
    expect(moderationKey(key)).toBe(encoded);
    expect(encoded).toMatch(KV_KEY);
    expect(parseModerationKey(encoded)).toEqual(key);
  });

  it.each(['other.key', 'room.demo', 'room.demo.ban', 'room.demo.unknown.x', 'room.demo.settings.x', 'staff'])(
    'ignores %s',
    (key) => {
      expect(parseModerationKey(key)).toBeUndefined();
    },
  );
});
