import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import type { RoomMessage } from '../frames.js';
import type { Role } from '../identity.js';
import { Moderation } from './moderation.js';
import type { RoomEditor } from '../room-editor.js';
import type { Poster } from '../identity.js';

const log = createLogger({ service: 'test', level: 'silent' });
/** How soon a change made on one instance must be enforced on the other, ms. */
const PROPAGATION_MS = 1000;
const soon = { timeoutMs: PROPAGATION_MS, intervalMs: 10 };

const poster = (userId: string, roles: readonly Role[], guest = false): Poster => ({
  userId,
  name: userId,
  roles,
  guest,
});
/** The instance's defaults: no guests, danmaku's overload control. */
const DEFAULTS = { guests: false, densityPerSec: 200, mergeIdentical: true, roomRatePerSec: 0 };
const viewer = poster('viewer-1', ['viewer']);
const moderator = poster('mod-1', ['moderator']);
const otherModerator = poster('mod-2', ['moderator']);
const broadcaster = poster('caster', ['broadcaster']);

/** The one allowed fake: records what moderation asks of the room store (RoomLog implements it elsewhere). */
class RecordingEditor implements RoomEditor {
  readonly calls: { method: string; room: string; arg?: unknown }[] = [];
  readonly stored = new Set<string>();

  async remove(room: string, id: string): Promise<boolean> {
    this.calls.push({ method: 'remove', room, arg: id });
    return this.stored.delete(id);
  }
  async purge(room: string): Promise<void> {
    this.calls.push({ method: 'purge', room });
  }
  async appendEvent(room: string, event: Record<string, unknown>): Promise<void> {
    this.calls.push({ method: 'appendEvent', room, arg: event });
  }
  async appendMessage(room: string, message: RoomMessage): Promise<void> {
    this.calls.push({ method: 'appendMessage', room, arg: message });
  }
  of(room: string): unknown[] {
    return this.calls
      .filter((c) => c.room === room)
      .map(({ method, arg }) => (arg === undefined ? method : { method, arg }));
  }
}

const verdictCode = (moderation: Moderation, room: string, who: Poster, text = 'hello'): string => {
  const verdict = moderation.check(room, who, text);
  return verdict.kind === 'refuse' ? verdict.rejection.code : verdict.kind;
};

describe('Moderation on a real nats-server, two instances', () => {
  let nats: NatsFixture;
  let secondNc: NatsConnection;
  const editor = new RecordingEditor();
  let a: Moderation;
  let b: Moderation;

  const open = (nc: NatsConnection) =>
    Moderation.open({ nc, stream: 'CHAT', auditSubjectPrefix: 'chat.audit', editor, defaults: DEFAULTS, log });

  beforeAll(async () => {
    nats = await startNatsFixture();
    secondNc = await connectNats({ servers: nats.nats.url, name: 'second', log });
    [a, b] = await Promise.all([open(nats.nc), open(secondNc)]);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await secondNc?.close();
    await nats?.stop();
  });

  it('enforces a ban set on one instance on the other within a second, and an unban', async () => {
    expect(verdictCode(b, 'ban-room', viewer)).toBe('allow');
    expect(await a.apply(moderator, 'ban-room', { action: 'ban', userId: viewer.userId, reason: 'spam' })).toEqual({
      ok: true,
      value: undefined,
    });
    await waitFor(() => verdictCode(b, 'ban-room', viewer) === 'BANNED', soon);
    expect(b.check('ban-room', viewer, 'hi')).toEqual({
      kind: 'refuse',
      rejection: { code: 'BANNED', message: 'you are banned from this room' },
    });
    expect(await b.apply(moderator, 'ban-room', { action: 'unban', userId: viewer.userId })).toMatchObject({
      ok: true,
    });
    await waitFor(() => verdictCode(a, 'ban-room', viewer) === 'allow', soon);
  });

  it('enforces a timeout with its end, elsewhere', async () => {
    const before = Date.now();
    await a.apply(moderator, 'timeout-room', { action: 'timeout', userId: viewer.userId, seconds: 600 });
    const verdict = await waitFor(() => {
      const v = b.check('timeout-room', viewer, 'hi');
      return v.kind === 'refuse' && v;
    }, soon);
    expect(verdict.rejection.code).toBe('BANNED');
    expect(verdict.rejection.untilMs).toBeGreaterThanOrEqual(before + 600_000);
    expect(verdict.rejection.untilMs).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('enforces slow mode set on one instance on the other, across instances, and announces room_state', async () => {
    await a.apply(moderator, 'slow-room', { action: 'slow', seconds: 30 });
    await waitFor(() => b.settings('slow-room').slowModeS === 30, soon);
    b.recordPost('slow-room', viewer);
    const verdict = b.check('slow-room', viewer, 'again');
    expect(verdict).toMatchObject({ kind: 'refuse', rejection: { code: 'SLOW_MODE' } });
    if (verdict.kind === 'refuse') expect(verdict.rejection.waitMs).toBeGreaterThan(29_000);
    const other = poster('viewer-2', ['viewer']);
    a.recordPost('slow-room', other);
    await waitFor(() => verdictCode(b, 'slow-room', other) === 'SLOW_MODE', soon);
    expect(verdictCode(b, 'slow-room', moderator)).toBe('allow');
    expect(editor.of('slow-room')).toEqual([
      {
        method: 'appendEvent',
        arg: {
          v: 1,
          type: 'room_state',
          room: 'slow-room',
          slowModeS: 30,
          mode: 'everyone',
          guests: false,
          densityPerSec: 200,
          mergeIdentical: true,
          roomRatePerSec: 0,
          blockedTerms: 0,
        },
      },
    ]);
  });

  it("applies a room's overload control from the other instance, keeps it over other changes, and resets it", async () => {
    const room = 'overload-room';
    const overload = (r: string) => {
      const { densityPerSec, mergeIdentical, roomRatePerSec } = b.settings(r);
      return { densityPerSec, mergeIdentical, roomRatePerSec };
    };
    expect(overload(room)).toEqual({ densityPerSec: 200, mergeIdentical: true, roomRatePerSec: 0 });
    await a.apply(moderator, room, { action: 'overload', densityPerSec: 30, mergeIdentical: false });
    await waitFor(() => overload(room).densityPerSec === 30, soon);
    expect(overload(room)).toEqual({ densityPerSec: 30, mergeIdentical: false, roomRatePerSec: 0 });
    await b.apply(moderator, room, { action: 'slow', seconds: 5 });
    await a.apply(moderator, room, { action: 'overload', roomRatePerSec: 20 });
    await waitFor(() => overload(room).roomRatePerSec === 20, soon);
    expect(b.settings(room)).toMatchObject({ slowModeS: 5, densityPerSec: 30, mergeIdentical: false });
    await a.apply(broadcaster, room, { action: 'overload', reset: true, mergeIdentical: false });
    await waitFor(() => overload(room).densityPerSec === 200, soon);
    expect(b.settings(room)).toMatchObject({
      slowModeS: 5,
      densityPerSec: 200,
      mergeIdentical: false,
      roomRatePerSec: 0,
    });
    expect(await a.apply(viewer, room, { action: 'overload', reset: true })).toMatchObject({
      ok: false,
      rejection: { code: 'FORBIDDEN' },
    });
  });

  it('applies followers, subscribers and guests modes from the other instance', async () => {
    const guest = poster('guest-1', ['viewer'], true);
    const subscriber = poster('sub-1', ['subscriber']);
    expect(verdictCode(b, 'mode-room', guest)).toBe('FORBIDDEN');
    await a.apply(moderator, 'mode-room', { action: 'guests', on: true });
    await waitFor(() => verdictCode(b, 'mode-room', guest) === 'allow', soon);
    await a.apply(moderator, 'mode-room', { action: 'followers', on: true });
    await waitFor(() => verdictCode(b, 'mode-room', guest) === 'FORBIDDEN', soon);
    expect(verdictCode(b, 'mode-room', viewer)).toBe('allow');
    await a.apply(moderator, 'mode-room', { action: 'subscribers', on: true });
    await waitFor(() => verdictCode(b, 'mode-room', viewer) === 'FORBIDDEN', soon);
    expect(verdictCode(b, 'mode-room', subscriber)).toBe('allow');
    await a.apply(moderator, 'mode-room', { action: 'followers', on: false });
    expect(a.settings('mode-room').mode).toBe('subscribers');
    await a.apply(moderator, 'mode-room', { action: 'subscribers', on: false });
    await waitFor(() => verdictCode(b, 'mode-room', viewer) === 'allow', soon);
    expect(b.settings('mode-room')).toEqual({
      slowModeS: 0,
      mode: 'everyone',
      guests: true,
      densityPerSec: 200,
      mergeIdentical: true,
      roomRatePerSec: 0,
      blockedTerms: 0,
    });
  });

  it('applies a blocked term set on one instance on the other within a second', async () => {
    await a.apply(moderator, 'term-room', { action: 'block_term', term: 'Darn', termAction: 'mask' });
    await a.apply(moderator, 'term-room', { action: 'block_term', term: 'scam', termAction: 'refuse' });
    await waitFor(() => verdictCode(b, 'term-room', viewer, 'a scam') === 'BLOCKED_TERM', soon);
    await waitFor(() => JSON.stringify(b.check('term-room', viewer, 'oh DARN')).includes('oh ****'), soon);
    expect(b.check('term-room', viewer, 'oh ＤＡＲＮ')).toEqual({ kind: 'allow', text: 'oh ****' });
    expect(b.settings('term-room').blockedTerms).toBe(2);
    expect(await b.apply(moderator, 'term-room', { action: 'unblock_term', term: 'DARN' })).toMatchObject({ ok: true });
    await waitFor(() => JSON.stringify(a.check('term-room', viewer, 'darn')).includes('"darn"'), soon);
    expect(a.settings('term-room').blockedTerms).toBe(1);
    expect(await b.apply(moderator, 'term-room', { action: 'unblock_term', term: 'never' })).toMatchObject({
      ok: false,
      rejection: { code: 'NOT_FOUND', field: 'term' },
    });
  });

  it('holds a post for review: the other instance hears of it and approves it through the editor', async () => {
    await a.apply(moderator, 'hold-room', { action: 'block_term', term: 'link', termAction: 'hold' });
    await waitFor(() => b.check('hold-room', viewer, 'my link').kind === 'hold', soon);
    const heard: unknown[] = [];
    const stop = a.onHeld((room, change) => heard.push({ room, ...change }));
    const message = {
      v: 1,
      type: 'message',
      id: 'held-1',
      room: 'hold-room',
      name: 'viewer-1',
      userId: viewer.userId,
      text: 'my link',
      sentAtMs: 1,
    } as const;
    await b.hold(message);
    await waitFor(() => heard.length === 1, soon);
    expect(heard).toEqual([{ room: 'hold-room', held: message }]);
    expect(a.held('hold-room')).toEqual([message]);
    expect(
      await a.apply(moderator, 'hold-room', { action: 'approve', id: 'held-1', reason: 'fine link' }),
    ).toMatchObject({
      ok: true,
    });
    expect(editor.of('hold-room').at(-1)).toEqual({ method: 'appendMessage', arg: message });
    await waitFor(() => heard.length === 2 && b.held('hold-room').length === 0, soon);
    expect(heard[1]).toEqual({ room: 'hold-room', released: 'held-1' });
    expect(await b.apply(moderator, 'hold-room', { action: 'approve', id: 'held-1' })).toMatchObject({
      ok: false,
      rejection: { code: 'NOT_FOUND', field: 'id' },
    });
    await b.hold({ ...message, id: 'held-2' });
    await waitFor(() => a.held('hold-room').length === 1, soon);
    expect(await a.apply(moderator, 'hold-room', { action: 'deny', id: 'held-2' })).toMatchObject({ ok: true });
    expect(a.held('hold-room')).toEqual([]);
    expect(editor.of('hold-room').filter((c) => JSON.stringify(c).includes('held-2'))).toEqual([]);
    stop();
  });

  it('deletes a message, clears a room, and stores their events', async () => {
    editor.stored.add('m-1');
    expect(await a.apply(moderator, 'edit-room', { action: 'delete', id: 'm-1' })).toMatchObject({ ok: true });
    expect(await a.apply(moderator, 'edit-room', { action: 'delete', id: 'm-1' })).toMatchObject({
      ok: false,
      rejection: { code: 'NOT_FOUND', field: 'id' },
    });
    expect(await a.apply(moderator, 'edit-room', { action: 'clear' })).toMatchObject({ ok: true });
    expect(editor.of('edit-room')).toEqual([
      { method: 'remove', arg: 'm-1' },
      { method: 'appendEvent', arg: { v: 1, type: 'deleted', room: 'edit-room', id: 'm-1' } },
      { method: 'remove', arg: 'm-1' },
      'purge',
      { method: 'appendEvent', arg: { v: 1, type: 'cleared', room: 'edit-room' } },
    ]);
  });

  it('refuses actions of viewers, malformed actions, and bans of a moderator by a moderator', async () => {
    expect(await a.apply(viewer, 'auth-room', { action: 'clear' })).toMatchObject({
      ok: false,
      rejection: { code: 'FORBIDDEN' },
    });
    expect(await a.apply(moderator, 'auth-room', { action: 'slow', seconds: 2 })).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_ARGUMENT', field: 'seconds' },
    });
    expect(await a.apply(moderator, 'Bad Room', { action: 'clear' })).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_ARGUMENT', field: 'room' },
    });
    b.recordPost('auth-room', otherModerator);
    const denied = await waitFor(async () => {
      const result = await a.apply(moderator, 'auth-room', { action: 'ban', userId: otherModerator.userId });
      return !result.ok && result.rejection;
    }, soon);
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(verdictCode(b, 'auth-room', otherModerator)).toBe('allow');
    expect(
      await a.apply(broadcaster, 'auth-room', { action: 'timeout', userId: otherModerator.userId, seconds: 60 }),
    ).toMatchObject({
      ok: true,
    });
    await waitFor(() => verdictCode(b, 'auth-room', otherModerator) === 'BANNED', soon);
  });

  it('keeps every action in the audit log with actor, reason and time, newest last', async () => {
    const entries = await b.audit('ban-room', 10);
    expect(entries.map(({ room, actor, action, reason }) => ({ room, actor, action, reason }))).toEqual([
      {
        room: 'ban-room',
        actor: { userId: 'mod-1', name: 'mod-1' },
        action: { action: 'ban', userId: 'viewer-1' },
        reason: 'spam',
      },
      {
        room: 'ban-room',
        actor: { userId: 'mod-1', name: 'mod-1' },
        action: { action: 'unban', userId: 'viewer-1' },
        reason: undefined,
      },
    ]);
    for (const entry of entries) expect(entry.atMs).toBeGreaterThan(Date.now() - 60_000);
    const holds = await a.audit('hold-room', 2);
    expect(holds.map((e) => [e.action.action, e.reason])).toEqual([
      ['approve', 'fine link'],
      ['deny', undefined],
    ]);
    expect(await a.audit('edit-room', 10)).toHaveLength(2);
    expect(await a.audit('quiet-room', 10)).toEqual([]);
  });

  it('keeps the state across a restart of both instances', async () => {
    await a.close();
    await b.close();
    const reopened = await open(nats.nc);
    try {
      expect(verdictCode(reopened, 'timeout-room', viewer)).toBe('BANNED');
      expect(reopened.settings('slow-room')).toMatchObject({ slowModeS: 30 });
      expect(reopened.settings('mode-room')).toMatchObject({ guests: true, mode: 'everyone' });
      expect(reopened.check('term-room', viewer, 'a scam')).toMatchObject({ kind: 'refuse' });
      expect(verdictCode(reopened, 'auth-room', otherModerator)).toBe('BANNED');
      expect(
        await reopened.apply(moderator, 'auth-room', { action: 'ban', userId: otherModerator.userId }),
      ).toMatchObject({ ok: false, rejection: { code: 'PERMISSION_DENIED' } });
    } finally {
      await reopened.close();
    }
  });
});
