import { describe, expect, it } from 'vitest';
import { parseDplayerPost } from './dplayer-post.js';

const bearer = 'Bearer tok-123';
const body = { id: 'room-1.b2c1f0e4-0000-4000-8000-000000000001', author: 'DIYgod', time: 12.3456, text: ' 888 ' };

describe('parseDplayerPost', () => {
  it('reads a stock DPlayer post, with the token from the header', () => {
    expect(parseDplayerPost({ ...body, color: 16711680, type: 1, token: 'body-token' }, bearer, 20)).toEqual({
      ok: true,
      value: {
        room: 'room-1',
        publishId: 'b2c1f0e4-0000-4000-8000-000000000001',
        token: 'tok-123',
        post: { text: '888', mode: 'top', color: '#ff0000', size: 'normal' },
        streamTimeMs: 12_346,
      },
    });
  });

  it('defaults to a white scroll danmaku', () => {
    const result = parseDplayerPost(body, bearer, 20);
    expect(result.ok && result.value.post).toEqual({ text: '888', mode: 'scroll', color: '#ffffff', size: 'normal' });
  });

  it.each([
    [0, 'scroll'],
    [1, 'top'],
    [2, 'bottom'],
    ['right', 'scroll'],
    ['top', 'top'],
    ['bottom', 'bottom'],
  ] as const)('maps type %j to %s', (type, mode) => {
    const result = parseDplayerPost({ ...body, type }, bearer, 20);
    expect(result.ok && result.value.post.mode).toBe(mode);
  });

  it.each([
    ['#FFF', '#ffffff'],
    ['#00ff7f', '#00ff7f'],
    [0, '#000000'],
  ] as const)('reads colour %j as %s', (color, expected) => {
    const result = parseDplayerPost({ ...body, color }, bearer, 20);
    expect(result.ok && result.value.post.color).toBe(expected);
  });

  it('takes the token from the body when there is no Authorization header, as a stock DPlayer sends it', () => {
    const result = parseDplayerPost({ ...body, token: ' body-token ' }, undefined, 20);
    expect(result.ok && result.value.token).toBe('body-token');
  });

  it.each(['', 'Basic abc', 'Bearer ', 'tok-123'])(
    'refuses authorization %j, even with a body token',
    (authorization) => {
      const result = parseDplayerPost({ ...body, token: 'tok-123' }, authorization, 20);
      expect(result).toEqual({
        ok: false,
        rejection: { code: 'UNAUTHENTICATED', message: 'the Authorization header must carry a Bearer token' },
      });
    },
  );

  it.each([{}, { token: '' }, { token: '  ' }])('refuses a post with no token (%j)', (extra) => {
    expect(parseDplayerPost({ ...body, ...extra }, undefined, 20)).toEqual({
      ok: false,
      rejection: {
        code: 'UNAUTHENTICATED',
        message: 'a token is required: Authorization: Bearer, or token in the body',
      },
    });
  });

  it.each([
    [{ ...body, id: 'room-1' }, 'id'],
    [{ ...body, id: 'Room.p' }, 'id'],
    [{ ...body, id: 'room-1.a/b' }, 'id'],
    [{ ...body, id: 'room-1.' }, 'id'],
    [{ ...body, id: 7 }, 'id'],
    [{ ...body, time: -1 }, 'time'],
    [{ ...body, time: '3' }, 'time'],
    [{ ...body, text: '' }, 'text'],
    [{ ...body, text: 'x'.repeat(21) }, 'text'],
    [{ ...body, text: 'a\nb' }, 'text'],
    [{ ...body, color: 16777216 }, 'color'],
    [{ ...body, color: 'red' }, 'color'],
    [{ ...body, type: 3 }, 'type'],
    [{ ...body, type: 'left' }, 'type'],
  ])('refuses %j, naming %s', (input, field) => {
    const result = parseDplayerPost(input, bearer, 20);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection).toMatchObject({ code: 'INVALID_ARGUMENT', field });
  });

  it('refuses a body that is not an object', () => {
    expect(parseDplayerPost('text', bearer, 20).ok).toBe(false);
  });
});
