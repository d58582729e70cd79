import { describe, expect, it } from 'vitest';
import { errors, message, setup, tick } from './testing/ws-conn-fixture.js';

const moderatorHello = { type: 'hello', token: 'mod-token' };

describe('WsConn moderate frames', () => {
  it("carries out a moderator's action without the frame's envelope and answers with its key", async () => {
    const { socket, actions } = setup({ hello: moderatorHello });
    await tick();
    socket.frame({ v: 1, type: 'moderate', action: 'ban', userId: 'u-9', reason: 'spam', key: 'k-1' });
    await tick();
    expect(actions).toEqual([
      {
        actor: { userId: 'u-mod', name: 'Mo', roles: ['moderator'], guest: false },
        room: 'demo',
        action: { action: 'ban', userId: 'u-9', reason: 'spam' },
      },
    ]);
    expect(socket.sent.at(-1)).toEqual({ v: 1, type: 'moderated', action: 'ban', key: 'k-1' });
  });

  it("answers a refused action with moderation's typed error and the frame's key", async () => {
    const rejection = {
      code: 'FORBIDDEN' as const,
      message: 'only moderators, the broadcaster and admins may moderate',
    };
    const { socket } = setup({ applied: { ok: false, rejection } });
    await tick();
    socket.frame({ type: 'moderate', action: 'clear', key: 'k-2' });
    await tick();
    expect(errors(socket)).toEqual([{ v: 1, type: 'error', ...rejection, key: 'k-2' }]);
  });

  it('refuses moderation from a reader without a token, and a bad key, before asking moderation', async () => {
    const { socket, actions } = setup({ hello: { type: 'hello' } });
    await tick();
    socket.frame({ type: 'moderate', action: 'clear' });
    await tick();
    expect(errors(socket)).toMatchObject([{ code: 'UNAUTHENTICATED' }]);
    const moderator = setup({ hello: moderatorHello });
    await tick();
    moderator.socket.frame({ type: 'moderate', action: 'clear', key: '' });
    await tick();
    expect(errors(moderator.socket)).toMatchObject([{ code: 'INVALID_ARGUMENT', field: 'key' }]);
    expect([...actions, ...moderator.actions]).toEqual([]);
  });

  it('sends a joining moderator the held posts after the room state; a viewer gets none', async () => {
    const held = [message('h1', 'held one')];
    const moderator = setup({ hello: moderatorHello, held });
    const viewer = setup({ held });
    await tick();
    expect(moderator.socket.sent.map((f) => f.type)).toEqual(['welcome', 'room_state', 'held']);
    expect(moderator.socket.sent[2]).toEqual({ v: 1, type: 'held', room: 'demo', message: held[0] });
    expect(moderator.conn.moderates).toBe(true);
    expect(viewer.socket.sent.map((f) => f.type)).toEqual(['welcome', 'room_state']);
    expect(viewer.conn.moderates).toBe(false);
  });
});
