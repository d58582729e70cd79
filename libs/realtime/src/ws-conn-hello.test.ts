import { afterEach, describe, expect, it, vi } from 'vitest';
import { errors, message, setup, tick } from './testing/ws-conn-fixture.js';

describe('WsConn hello', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers nothing and takes no post before the hello', async () => {
    const { socket, bus, requests } = setup({ hello: null });
    await tick();
    bus.publish(JSON.stringify(message('m1', 'live')));
    socket.frame({ type: 'message', text: 'early' });
    await tick();
    expect(requests).toEqual([]);
    expect(socket.sent).toEqual([
      { v: 1, type: 'error', code: 'UNAUTHENTICATED', message: 'send {"type":"hello"} first', field: 'type' },
    ]);
  });

  it('names the poster from the token, never from the client', async () => {
    const { socket, requests } = setup();
    await tick();
    expect(socket.sent.find((f) => f.type === 'welcome')).toMatchObject({
      user: { userId: 'u-alice', name: 'Alice', roles: ['viewer'], guest: false },
    });
    socket.frame({ type: 'message', text: 'hi', name: 'Mallory', userId: 'u-admin' });
    await tick();
    expect(requests[0]?.poster).toEqual({ userId: 'u-alice', name: 'Alice', roles: ['viewer'], guest: false });
  });

  it('takes a post sent right behind the hello as the hello token bearer', async () => {
    const { socket, requests } = setup({ hello: null });
    await tick();
    socket.frame({ type: 'hello', token: 'alice-token' });
    socket.frame({ type: 'message', text: 'at once' });
    await tick();
    await tick();
    expect(errors(socket)).toEqual([]);
    expect(requests.map((r) => r.poster.userId)).toEqual(['u-alice']);
  });

  it('lets a reader in without a token and refuses its posts', async () => {
    const { socket, requests } = setup({ hello: { type: 'hello' } });
    await tick();
    expect(socket.sent.find((f) => f.type === 'welcome')).toMatchObject({ user: null });
    socket.frame({ type: 'message', text: 'hi' });
    await tick();
    expect(requests).toEqual([]);
    expect(errors(socket)).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'UNAUTHENTICATED',
        message: 'posting needs a token: send {"type":"hello","token":...}',
      },
    ]);
  });

  it('lets a guest post under a server-given name where the room allows guests', async () => {
    const { socket, requests } = setup({ hello: { type: 'hello' }, guests: true });
    await tick();
    socket.frame({ type: 'message', text: 'hi' });
    await tick();
    expect(requests[0]?.poster).toEqual({
      userId: 'guest:c0ffee01',
      name: 'guest-c0ffee',
      roles: ['viewer'],
      guest: true,
    });
  });

  it('answers a refused token with an error and stays unjoined until a good hello', async () => {
    const { socket } = setup({ hello: { type: 'hello', token: 'forged' } });
    await tick();
    expect(socket.sent).toEqual([
      { v: 1, type: 'error', code: 'UNAUTHENTICATED', message: 'bad signature', field: 'token' },
    ]);
    socket.frame({ type: 'hello', token: 'alice-token' });
    await tick();
    expect(socket.sent.find((f) => f.type === 'welcome')).toMatchObject({ user: { name: 'Alice' } });
  });

  it('refuses a token made for other rooms with FORBIDDEN', async () => {
    const { socket } = setup({ hello: { type: 'hello', token: 'other-room-token' } });
    await tick();
    expect(errors(socket)).toEqual([
      { v: 1, type: 'error', code: 'FORBIDDEN', message: 'the token is not good for this room', field: 'token' },
    ]);
  });

  it('closes with 4001 when the token expires, unless a fresh hello came first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const refreshed = setup({ hello: { type: 'hello', token: 'short:1000' } });
    const expired = setup({ hello: { type: 'hello', token: 'short:1000' } });
    await vi.advanceTimersByTimeAsync(10);
    refreshed.socket.frame({ type: 'hello', token: 'alice-token' });
    await vi.advanceTimersByTimeAsync(10);
    expect(refreshed.socket.sent.filter((f) => f.type === 'welcome')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(6_100);
    expect(expired.socket.closedWith).toBe(4001);
    expect(refreshed.socket.closedWith).toBeUndefined();
  });

  it('closes with 4002 when no hello comes in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const silent = setup({ hello: null, helloTimeoutMs: 500 });
    const greeted = setup({ helloTimeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(600);
    expect(silent.socket.closedWith).toBe(4002);
    expect(greeted.socket.closedWith).toBeUndefined();
  });
});
