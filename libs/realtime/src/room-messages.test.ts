import { createLogger } from '@onair/runtime';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { textSchema } from './fields.js';
import type { RoomMessage } from './frames.js';
import type { Poster } from './identity.js';
import type { Verdict } from './moderation/post-check.js';
import { PostLimits } from './post-limits.js';
import { RoomMessages, type PostGate, type PostLimiter, type PostObserver } from './room-messages.js';
import { unwrap } from './result.js';
import type { MessageStore } from './room-log.js';

type Shout = RoomMessage & { type: 'shout'; loud: boolean };

/** A store that keeps the first message appended under each dedup id, like JetStream's duplicate window. */
class MemoryStore implements MessageStore {
  readonly rooms = new Map<string, unknown[]>();
  readonly byDedupId = new Map<string, RoomMessage>();
  failing = false;

  append(room: string, message: RoomMessage, dedupId: string): Promise<unknown> {
    if (this.failing) return Promise.reject(new Error('no JetStream'));
    const earlier = this.byDedupId.get(dedupId);
    if (earlier) return Promise.resolve(earlier);
    this.byDedupId.set(dedupId, message);
    this.rooms.set(room, [...(this.rooms.get(room) ?? []), message]);
    return Promise.resolve(message);
  }

  recent(room: string, limit: number): Promise<unknown[]> {
    return Promise.resolve((this.rooms.get(room) ?? []).slice(-limit));
  }
}

function setup(
  gate?: PostGate,
  limits?: PostLimiter,
): {
  messages: RoomMessages<{ text: string; loud: boolean }, Shout>;
  store: MemoryStore;
  outcomes: string[];
} {
  const store = new MemoryStore();
  const outcomes: string[] = [];
  const observer: PostObserver = {
    accepted: (room) => outcomes.push(`ok:${room}`),
    rejected: (reason) => outcomes.push(reason),
  };
  const messages = new RoomMessages({
    kind: {
      type: 'shout',
      schema: z.object({ text: textSchema('text', 10), loud: z.boolean().default(false) }),
      shape: (stamp, post) => ({ ...stamp, type: 'shout' as const, text: post.text, loud: post.loud }),
      stream: 'SHOUT',
      subjectPrefix: 'shout.room',
      historyOnJoin: false,
    },
    store,
    observer,
    ...(gate ? { gate } : {}),
    ...(limits ? { limits } : {}),
    log: createLogger({ service: 'test', level: 'silent' }),
    now: () => 1234,
  });
  return { messages, store, outcomes };
}

/** A viewer poster named `name` (user id from the trimmed name). */
const poster = (name: string): Poster => ({ userId: `u-${name.trim()}`, name, roles: ['viewer'], guest: false });

describe('RoomMessages', () => {
  it('stamps, shapes and stores an accepted post', async () => {
    const { messages, store, outcomes } = setup();
    const result = await messages.post({
      room: 'demo',
      poster: poster(' alice '),
      fields: { type: 'shout', text: ' hi ', loud: true },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      v: 1,
      type: 'shout',
      room: 'demo',
      name: 'alice',
      userId: 'u-alice',
      text: 'hi',
      loud: true,
      sentAtMs: 1234,
    });
    expect(result.value.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.rooms.get('demo')).toEqual([result.value]);
    expect([...store.byDedupId.keys()]).toEqual([result.value.id]);
    expect(outcomes).toEqual(['ok:demo']);
  });

  it('stamps sentAtMs with the time the post was received', async () => {
    const { messages } = setup();
    const result = await messages.post({
      room: 'demo',
      poster: poster('a'),
      fields: { text: 'x' },
      receivedAtMs: 1000,
    });
    expect(result.ok && result.value.sentAtMs).toBe(1000);
  });

  it("badges a moderating poster's message with its highest role, and no one else's", async () => {
    const { messages } = setup();
    const post = (roles: Poster['roles']) =>
      messages.post({ room: 'demo', poster: { ...poster('a'), roles }, fields: { text: 'x' } });
    const badges = await Promise.all(
      [['viewer', 'vip'], ['moderator'], ['broadcaster', 'moderator'], ['admin']].map(async (roles) => {
        const result = await post(roles as Poster['roles']);
        return result.ok ? result.value.badge : 'refused';
      }),
    );
    expect(badges).toEqual([undefined, 'moderator', 'broadcaster', 'admin']);
  });

  it('stores a repeated key of the same room and user once and answers with the first message', async () => {
    const { messages, store } = setup();
    const first = await messages.post({ room: 'demo', poster: poster('a'), fields: { text: 'x' }, key: 'k1' });
    const retry = await messages.post({ room: 'demo', poster: poster('a'), fields: { text: 'x' }, key: 'k1' });
    const otherName = await messages.post({ room: 'demo', poster: poster('b'), fields: { text: 'x' }, key: 'k1' });
    const otherRoom = await messages.post({ room: 'lobby', poster: poster('a'), fields: { text: 'x' }, key: 'k1' });
    expect(first.ok && retry.ok && otherName.ok && otherRoom.ok).toBe(true);
    if (!first.ok || !retry.ok || !otherName.ok) return;
    expect(retry.value).toEqual(first.value);
    expect(otherName.value.id).not.toBe(first.value.id);
    expect(store.rooms.get('demo')).toEqual([first.value, otherName.value]);
    expect(store.rooms.get('lobby')).toHaveLength(1);
  });

  it.each([
    [{ room: 'Bad Room', poster: poster('a'), fields: { text: 'x' } }, 'room'],
    [{ room: 'demo', poster: poster(''), fields: { text: 'x' } }, 'name'],
    [{ room: 'demo', poster: poster('a'), fields: { text: '' } }, 'text'],
    [{ room: 'demo', poster: poster('a'), fields: { text: 'x'.repeat(11) } }, 'text'],
    [{ room: 'demo', poster: poster('a'), fields: { text: 'x', loud: 'yes' } }, 'loud'],
    [{ room: 'demo', poster: poster('a'), fields: {} }, 'text'],
    [{ room: 'demo', poster: poster('a'), fields: { text: 'x' }, key: 'a b' }, 'key'],
  ])('rejects %j naming %s', async (request, field) => {
    const { messages, store, outcomes } = setup();
    const result = await messages.post(request);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect(store.rooms.size).toBe(0);
    expect(outcomes).toEqual(['invalid_argument']);
  });

  it('answers UNAVAILABLE when the store fails, without the store error', async () => {
    const { messages, store, outcomes } = setup();
    store.failing = true;
    const result = await messages.post({ room: 'demo', poster: poster('a'), fields: { text: 'x' } });
    expect(result).toEqual({
      ok: false,
      rejection: { code: 'UNAVAILABLE', message: 'the message could not be stored; try again' },
    });
    expect(outcomes).toEqual(['unavailable']);
  });

  it('reads back the recent messages of its type', async () => {
    const { messages, store } = setup();
    await messages.post({ room: 'demo', poster: poster('a'), fields: { text: 'one' } });
    await messages.post({ room: 'demo', poster: poster('a'), fields: { text: 'two' } });
    store.rooms.get('demo')?.push({ type: 'other', id: 'z', room: 'demo', sentAtMs: 1 });
    const recent = await messages.recent('demo', 10);
    expect(recent.ok && recent.value.map((m) => m.text)).toEqual(['one', 'two']);
    expect((await messages.recent('BAD', 10)).ok).toBe(false);
  });
});

/** A gate whose verdict each test sets, recording what it is asked. */
function recordingGate(verdict: Verdict): PostGate & { held: RoomMessage[]; recorded: string[] } {
  const held: RoomMessage[] = [];
  const recorded: string[] = [];
  return {
    held,
    recorded,
    check: () => verdict,
    hold: (message) => {
      held.push(message);
      return Promise.resolve();
    },
    recordPost: (room, poster) => recorded.push(`${room}:${poster.userId}`),
  };
}

describe('RoomMessages with the room rules', () => {
  const alice: Poster = { userId: 'u-a', name: 'Alice', roles: ['viewer'], guest: false };

  it("stores the rules' masked text and records the post for slow mode", async () => {
    const gate = recordingGate({ kind: 'allow', text: '** there' });
    const { messages, store } = setup(gate);
    const result = await messages.post({ room: 'r', poster: alice, fields: { text: 'hi there' } });
    expect(result).toMatchObject({ ok: true, value: { text: '** there', userId: 'u-a' } });
    expect(store.rooms.get('r')).toMatchObject([{ text: '** there' }]);
    expect(gate.recorded).toEqual(['r:u-a']);
  });

  it("refuses with the rules' rejection and stores nothing", async () => {
    const rejection = { code: 'BANNED' as const, message: 'you are timed out in this room', untilMs: 99 };
    const gate = recordingGate({ kind: 'refuse', rejection });
    const { messages, store, outcomes } = setup(gate);
    expect(await messages.post({ room: 'r', poster: alice, fields: { text: 'hi' } })).toEqual({ ok: false, rejection });
    expect(store.rooms.size).toBe(0);
    expect(gate.recorded).toEqual([]);
    expect(outcomes).toEqual(['banned']);
  });

  it('keeps a held post for review instead of storing it, and answers HELD_FOR_REVIEW', async () => {
    const gate = recordingGate({ kind: 'hold' });
    const { messages, store } = setup(gate);
    const result = await messages.post({ room: 'r', poster: alice, fields: { text: 'hmm' } });
    expect(result).toMatchObject({ ok: false, rejection: { code: 'HELD_FOR_REVIEW' } });
    expect(gate.held).toMatchObject([{ type: 'shout', room: 'r', text: 'hmm', userId: 'u-a', name: 'Alice' }]);
    expect(store.rooms.size).toBe(0);
  });
});

describe('RoomMessages with the post limits', () => {
  const alice: Poster = { userId: 'u-a', name: 'Alice', roles: ['viewer'], guest: false };
  const postLimits = () =>
    new PostLimits({
      userRatePerSec: 1,
      userBurst: 2,
      roomRatePerSec: () => 0,
      roomBurst: 1,
      duplicateWindowMs: 10_000,
      now: () => 0,
    });

  it("checks the limits after the room's rules, counting the refusals by scope", async () => {
    const { messages, store, outcomes } = setup(undefined, postLimits());
    const post = (text: string) => messages.post({ room: 'r', poster: alice, fields: { text } });
    expect((await post('one')).ok).toBe(true);
    expect(await post(' ONE ')).toMatchObject({ ok: false, rejection: { code: 'DUPLICATE', retryAfterMs: 10_000 } });
    expect((await post('two')).ok).toBe(true);
    const limited = await post('three');
    expect(limited).toMatchObject({
      ok: false,
      rejection: { code: 'RATE_LIMITED', scope: 'user', retryAfterMs: 1000 },
    });
    expect(store.rooms.get('r')).toHaveLength(2);
    expect(outcomes).toEqual(['ok:r', 'duplicate', 'ok:r', 'rate_limited_user']);
    expect(() => unwrap(limited)).toThrow('you are posting too fast; retry in 1000 ms (scope=user, retryAfterMs=1000)');
  });

  it('does not count a post the rules refuse, and forgets the text of one the store did not take', async () => {
    const limits = postLimits();
    const banned = recordingGate({ kind: 'refuse', rejection: { code: 'BANNED', message: 'banned' } });
    const refused = setup(banned, limits);
    for (let i = 0; i < 5; i++) await refused.messages.post({ room: 'r', poster: alice, fields: { text: 'x' } });
    const { messages, store } = setup(undefined, limits);
    store.failing = true;
    const post = () => messages.post({ room: 'r', poster: alice, fields: { text: 'x' } });
    expect(await post()).toMatchObject({ ok: false, rejection: { code: 'UNAVAILABLE' } });
    store.failing = false;
    expect(await post()).toMatchObject({ ok: true });
  });
});
