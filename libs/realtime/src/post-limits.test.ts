import { describe, expect, it } from 'vitest';
import { DuplicateWindow, normalizePostText } from './duplicate-window.js';
import type { Poster } from './identity.js';
import { KeyedBuckets } from './keyed-buckets.js';
import { PostLimits, type PostLimitsOptions } from './post-limits.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 5000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const user = (userId: string, roles: Poster['roles'] = ['viewer']): Poster => ({
  userId,
  name: userId,
  roles,
  guest: false,
});
const alice = user('u-alice');

function limits(options: Partial<PostLimitsOptions> = {}) {
  const clock = fakeClock();
  const roomRates = new Map<string, number>();
  const l = new PostLimits({
    userRatePerSec: 2,
    userBurst: 5,
    roomRatePerSec: (room) => roomRates.get(room) ?? 0,
    roomBurst: 3,
    duplicateWindowMs: 10_000,
    now: clock.now,
    sweepEveryMs: 1000,
    ...options,
  });
  let n = 0;
  /** Posts a fresh text (no duplicate) of `poster` in `room`; the refusal's code, scope and wait, or 'ok'. */
  const post = (poster = alice, room = 'demo', text = `text ${n++}`, key?: string) => {
    const refusal = l.check({ room, poster, text, key });
    return refusal === undefined ? 'ok' : `${refusal.code}:${refusal.scope ?? ''}:${refusal.retryAfterMs}`;
  };
  return { l, clock, roomRates, post };
}

describe('KeyedBuckets', () => {
  it('keeps a bucket per key, says how long until a token, and drops full ones', () => {
    const clock = fakeClock();
    const buckets = new KeyedBuckets(clock.now);
    const rate = { ratePerSec: 4, burst: 2 };
    expect(buckets.waitMs('a', rate)).toBe(0);
    expect(buckets.size).toBe(0);
    expect([buckets.take('a', rate), buckets.take('a', rate), buckets.take('a', rate)]).toEqual([true, true, false]);
    expect(buckets.waitMs('a', rate)).toBe(250);
    expect(buckets.waitMs('b', rate)).toBe(0);
    clock.advance(100);
    expect(buckets.waitMs('a', rate)).toBe(150);
    clock.advance(150);
    buckets.sweep();
    expect(buckets.size).toBe(1);
    clock.advance(250);
    buckets.sweep();
    expect(buckets.size).toBe(0);
  });

  it('gives a key whose rate changed a new, full bucket', () => {
    const buckets = new KeyedBuckets(fakeClock().now);
    buckets.take('r', { ratePerSec: 1, burst: 1 });
    expect(buckets.waitMs('r', { ratePerSec: 1, burst: 1 })).toBe(1000);
    expect(buckets.waitMs('r', { ratePerSec: 10, burst: 1 })).toBe(0);
  });
});

describe('DuplicateWindow', () => {
  it.each([
    ['  Hello   World ', 'hello world'],
    ['ＨＥＬＬＯ', 'hello'],
    ['a\t\nb', 'a b'],
  ])('compares %j as %j', (text, normal) => {
    expect(normalizePostText(text)).toBe(normal);
  });

  it('refuses the same text of the same user within the window, not after it, nor another user', () => {
    const clock = fakeClock();
    const recent = new DuplicateWindow(10_000, clock.now);
    recent.record('u1', 'gg');
    clock.advance(4000);
    expect(recent.waitMs('u1', ' GG ')).toBe(6000);
    expect(recent.waitMs('u2', 'gg')).toBe(0);
    expect(recent.waitMs('u1', 'gg wp')).toBe(0);
    clock.advance(6000);
    expect(recent.waitMs('u1', 'gg')).toBe(0);
  });

  it("takes a resend under the post's own key, and forgets a text on demand", () => {
    const recent = new DuplicateWindow(10_000, fakeClock().now);
    recent.record('u1', 'hi', 'k-1');
    expect(recent.waitMs('u1', 'hi', 'k-1')).toBe(0);
    expect(recent.waitMs('u1', 'hi', 'k-2')).toBe(10_000);
    expect(recent.waitMs('u1', 'hi')).toBe(10_000);
    recent.forget('u1', 'hi');
    expect(recent.waitMs('u1', 'hi')).toBe(0);
  });

  it('drops texts past the window when swept', () => {
    const clock = fakeClock();
    const recent = new DuplicateWindow(1000, clock.now);
    for (let i = 0; i < 100; i++) recent.record(`u${i}`, 'spam');
    clock.advance(500);
    recent.record('late', 'spam');
    clock.advance(600);
    recent.sweep();
    expect(recent.size).toBe(1);
    clock.advance(1000);
    recent.sweep();
    expect(recent.size).toBe(0);
  });
});

describe('PostLimits', () => {
  it('limits a user past its burst to its rate, over every room, with scope user and when it would pass', () => {
    const { post, clock } = limits();
    expect(Array.from({ length: 5 }, (_, i) => post(alice, i % 2 ? 'demo' : 'other'))).toEqual(Array(5).fill('ok'));
    expect(post()).toBe('RATE_LIMITED:user:500');
    expect(post(user('u-bob'))).toBe('ok');
    clock.advance(499);
    expect(post()).toBe('RATE_LIMITED:user:1');
    clock.advance(1);
    expect(post()).toBe('ok');
  });

  it('limits a room past its burst, per room, with scope room', () => {
    const { post, roomRates } = limits();
    roomRates.set('busy', 10);
    const users = Array.from({ length: 4 }, (_, i) => user(`u${i}`));
    expect(users.map((u) => post(u, 'busy'))).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED:room:100']);
    expect(post(users[3], 'quiet')).toBe('ok');
  });

  it('refuses a duplicate first, and a refused post counts against nothing', () => {
    const { post, l } = limits({ userBurst: 2 });
    expect(post(alice, 'demo', 'same')).toBe('ok');
    expect(post(alice, 'other', ' SAME')).toBe('DUPLICATE::10000');
    expect(post(alice, 'demo', 'new')).toBe('ok');
    expect(l.check({ room: 'demo', poster: alice, text: 'third' })?.code).toBe('RATE_LIMITED');
    l.forget({ room: 'demo', poster: alice, text: 'same' });
    expect(post(alice, 'demo', 'same')).toBe('RATE_LIMITED:user:500');
  });

  it('exempts moderators, broadcasters and admins, and holds a service posting as itself to the room limit only', () => {
    const { post, roomRates } = limits({ userBurst: 1, roomBurst: 1 });
    for (const role of ['moderator', 'broadcaster', 'admin'] as const) {
      const staff = user(`u-${role}`, [role]);
      expect(Array.from({ length: 10 }, () => post(staff, 'demo', 'same text'))).toEqual(Array(10).fill('ok'));
    }
    roomRates.set('demo', 1);
    const bot: Poster = { ...user('service:bot'), service: true };
    expect([post(bot, 'demo', 'hi'), post(bot, 'demo', 'hi')]).toEqual(['ok', 'RATE_LIMITED:room:1000']);
    expect(post(bot, 'other', 'hi')).toBe('ok');
  });

  it('lets the resend of a keyed post through without counting it again', () => {
    const { post } = limits({ userBurst: 1 });
    expect(post(alice, 'demo', 'mine', 'k-1')).toBe('ok');
    expect(post(alice, 'demo', 'mine', 'k-1')).toBe('ok');
    expect(post(alice, 'demo', 'mine', 'k-2')).toBe('DUPLICATE::10000');
    expect(post(alice, 'demo', 'other', 'k-3')).toBe('RATE_LIMITED:user:500');
  });

  it('turns each limit off at 0', () => {
    const { post } = limits({ userRatePerSec: 0, duplicateWindowMs: 0 });
    expect(Array.from({ length: 50 }, () => post(alice, 'demo', 'same'))).toEqual(Array(50).fill('ok'));
  });

  it('holds memory only for users, rooms and texts active lately', () => {
    const { post, l, clock, roomRates } = limits({ roomBurst: 1000 });
    roomRates.set('demo', 1000);
    for (let i = 0; i < 1000; i++) expect(post(user(`u${i}`), 'demo', 'first!')).not.toMatch(/DUPLICATE|user/);
    expect(l.held).toEqual({ users: 1000, rooms: 1, texts: 1000 });
    clock.advance(10_000);
    post(user('late'), 'demo', 'hello');
    expect(l.held).toEqual({ users: 1, rooms: 1, texts: 1 });
    clock.advance(10_000);
    post(user('u-mod', ['moderator']));
    expect(l.held).toEqual({ users: 0, rooms: 0, texts: 0 });
  });
});
