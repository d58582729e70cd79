import { describe, expect, it } from 'vitest';
import type { Role } from '../identity.js';
import { checkPost } from './post-check.js';
import type { Poster } from '../identity.js';
import { roleRank } from './poster-rank.js';
import { RoomState, type RoomSettings } from './room-state.js';

const NOW = 1_800_000_000_000;
const user = (roles: readonly Role[], guest = false, userId = 'u1'): Poster => ({ userId, name: 'n', roles, guest });
const viewer = user(['viewer']);
const subscriber = user(['viewer', 'subscriber']);
const vip = user(['vip']);
const moderator = user(['moderator']);
const broadcaster = user(['broadcaster']);
const admin = user(['admin']);
const guest = user(['viewer'], true, 'guest-1');
const guestClaimingAdmin = user(['admin'], true, 'guest-2');

const room = (settings?: Partial<RoomSettings>): RoomState => {
  const state = new RoomState();
  if (settings) state.settings = { slowModeS: 0, mode: 'everyone', guests: true, ...settings };
  return state;
};
const check = (state: RoomState, poster: Poster, text = 'hello', guests = false, nowMs = NOW) =>
  checkPost(state, { guests }, poster, text, nowMs);
const code = (verdict: ReturnType<typeof checkPost>) =>
  verdict.kind === 'refuse' ? verdict.rejection.code : verdict.kind;

describe('checkPost', () => {
  it.each([
    { name: 'a viewer, default room', state: room(), poster: viewer, expected: 'allow' },
    { name: 'a guest, guests off by default', state: room(), poster: guest, expected: 'FORBIDDEN' },
    { name: 'a guest, guests on', state: room({ guests: true }), poster: guest, expected: 'allow' },
    { name: 'a guest, followers mode', state: room({ mode: 'followers' }), poster: guest, expected: 'FORBIDDEN' },
    { name: 'a viewer, followers mode', state: room({ mode: 'followers' }), poster: viewer, expected: 'allow' },
    { name: 'a viewer, subscribers mode', state: room({ mode: 'subscribers' }), poster: viewer, expected: 'FORBIDDEN' },
    { name: 'a guest, subscribers mode', state: room({ mode: 'subscribers' }), poster: guest, expected: 'FORBIDDEN' },
    {
      name: 'a subscriber, subscribers mode',
      state: room({ mode: 'subscribers' }),
      poster: subscriber,
      expected: 'allow',
    },
    { name: 'a vip, subscribers mode', state: room({ mode: 'subscribers' }), poster: vip, expected: 'allow' },
    {
      name: 'a moderator, subscribers mode',
      state: room({ mode: 'subscribers' }),
      poster: moderator,
      expected: 'allow',
    },
    {
      name: 'a guest claiming admin, subscribers mode',
      state: room({ mode: 'subscribers' }),
      poster: guestClaimingAdmin,
      expected: 'FORBIDDEN',
    },
    { name: 'a broadcaster, no guests', state: room({ guests: false }), poster: broadcaster, expected: 'allow' },
  ])('$name: $expected', ({ state, poster, expected }) => {
    expect(code(check(state, poster))).toBe(expected);
  });

  it('takes guests from the defaults until a moderator sets them', () => {
    expect(code(check(room(), guest, 'hi', true))).toBe('allow');
    expect(code(check(room({ guests: false }), guest, 'hi', true))).toBe('FORBIDDEN');
  });

  it('refuses a banned viewer without an end, a timed-out one until the timeout ends', () => {
    const state = room();
    state.bans.set('u1', { untilMs: null, byRank: roleRank('moderator'), atMs: NOW });
    expect(check(state, viewer)).toEqual({
      kind: 'refuse',
      rejection: { code: 'BANNED', message: 'you are banned from this room' },
    });
    state.bans.set('u1', { untilMs: NOW + 60_000, byRank: roleRank('moderator'), atMs: NOW });
    expect(check(state, viewer)).toMatchObject({
      kind: 'refuse',
      rejection: { code: 'BANNED', untilMs: NOW + 60_000 },
    });
    expect(code(check(state, viewer, 'hi', false, NOW + 59_999))).toBe('BANNED');
    expect(code(check(state, viewer, 'hi', false, NOW + 60_000))).toBe('allow');
  });

  it('binds a ban only on posters ranked below its author', () => {
    const state = room();
    state.bans.set('u1', { untilMs: null, byRank: roleRank('moderator'), atMs: NOW });
    expect(code(check(state, moderator))).toBe('allow');
    state.bans.set('u1', { untilMs: null, byRank: roleRank('broadcaster'), atMs: NOW });
    expect(code(check(state, moderator))).toBe('BANNED');
    expect(code(check(state, broadcaster))).toBe('allow');
    expect(code(check(state, admin))).toBe('allow');
  });

  it('makes a poster wait out slow mode, with the wait in ms', () => {
    const state = room({ slowModeS: 10 });
    expect(code(check(state, viewer))).toBe('allow');
    state.recordPost('u1', NOW);
    expect(check(state, viewer, 'again', false, NOW + 2_500)).toEqual({
      kind: 'refuse',
      rejection: { code: 'SLOW_MODE', message: 'slow mode is on: wait 8 s before posting again', waitMs: 7_500 },
    });
    expect(code(check(state, user(['viewer'], false, 'u2'), 'hi', false, NOW + 2_500))).toBe('allow');
    expect(code(check(state, viewer, 'again', false, NOW + 10_000))).toBe('allow');
    expect(code(check(state, moderator, 'again', false, NOW + 1))).toBe('allow');
    state.settings = { slowModeS: 0, mode: 'everyone', guests: true };
    expect(code(check(state, viewer, 'again', false, NOW + 1))).toBe('allow');
  });

  it('applies blocked terms to viewers but not to moderators', () => {
    const state = room();
    state.terms.set('darn', 'mask');
    state.terms.set('scam', 'refuse');
    state.terms.set('link', 'hold');
    state.terms.compile();
    expect(check(state, viewer, 'oh DARN it')).toEqual({ kind: 'allow', text: 'oh **** it' });
    expect(check(state, viewer, 'a scam')).toEqual({
      kind: 'refuse',
      rejection: { code: 'BLOCKED_TERM', message: 'the message holds a term this room blocks', field: 'text' },
    });
    expect(check(state, viewer, 'my link')).toEqual({ kind: 'hold' });
    for (const poster of [moderator, broadcaster, admin]) {
      expect(check(state, poster, 'darn scam link')).toEqual({ kind: 'allow', text: 'darn scam link' });
    }
  });

  it('checks a ban before the room settings, and settings before terms', () => {
    const state = room({ mode: 'subscribers', slowModeS: 30 });
    state.terms.set('scam', 'refuse');
    state.terms.compile();
    expect(code(check(state, viewer, 'scam'))).toBe('FORBIDDEN');
    state.bans.set('u1', { untilMs: null, byRank: roleRank('moderator'), atMs: NOW });
    expect(code(check(state, viewer, 'scam'))).toBe('BANNED');
  });
});

describe('RoomState.recordPost', () => {
  it('keeps the latest post time and prunes old ones', () => {
    const state = room();
    state.recordPost('a', NOW);
    state.recordPost('a', NOW - 5);
    expect(state.lastPostMs.get('a')).toBe(NOW);
    for (let i = 0; i < 1022; i++) state.recordPost(`old-${i}`, NOW - 121_000);
    expect(state.lastPostMs.size).toBe(1023);
    state.recordPost('b', NOW);
    expect([...state.lastPostMs.keys()]).toEqual(['a', 'b']);
  });
});
