import { describe, expect, it } from 'vitest';
import { validate } from '@onair/realtime';
import { danmakuKind, danmakuPostSchema } from './danmaku-kind.js';

const schema = danmakuPostSchema(10);

describe('danmakuPostSchema', () => {
  it.each([
    [
      { type: 'danmaku', text: 'hi' },
      { text: 'hi', mode: 'scroll', color: '#ffffff' },
    ],
    [
      { type: 'danmaku', text: ' 888 ', mode: 'top', color: '#FF0000' },
      { text: '888', mode: 'top', color: '#ff0000' },
    ],
    [
      { text: '前方高能', mode: 'bottom', color: '#00ff7f' },
      { text: '前方高能', mode: 'bottom', color: '#00ff7f' },
    ],
    [
      { text: 'x'.repeat(10), extra: true },
      { text: 'x'.repeat(10), mode: 'scroll', color: '#ffffff' },
    ],
  ])('accepts %j', (input, expected) => {
    expect(validate(schema, input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{ mode: 'top' }, 'text', 'text must be a string'],
    [{ text: '' }, 'text', 'text must not be empty'],
    [{ text: '   ' }, 'text', 'text must not be empty'],
    [{ text: 'x'.repeat(11) }, 'text', 'text must be at most 10 characters'],
    [{ text: 'a\u0007b' }, 'text', 'text must not contain control characters'],
    [{ text: 5 }, 'text', 'text must be a string'],
    [{ text: 'hi', mode: 'left' }, 'mode', 'mode must be scroll, top or bottom'],
    [{ text: 'hi', mode: 1 }, 'mode', 'mode must be scroll, top or bottom'],
    [{ text: 'hi', color: 'red' }, 'color', 'color must be #rrggbb'],
    [{ text: 'hi', color: '#fff' }, 'color', 'color must be #rrggbb'],
    [{ text: 'hi', color: 0xffffff }, 'color', 'color must be a string'],
  ])('rejects %j naming %s', (input, field, message) => {
    expect(validate(schema, input)).toEqual({ ok: false, rejection: { code: 'INVALID_ARGUMENT', message, field } });
  });
});

describe('danmakuKind', () => {
  it('shapes a danmaku with the stream time of its room at its server time', () => {
    const kind = danmakuKind(10, (room, atMs) => (room === 'live' ? atMs - 1000 : -1));
    const stamp = {
      v: 1 as const,
      type: 'danmaku',
      id: 'id-1',
      room: 'live',
      name: 'alice',
      userId: 'u-alice',
      sentAtMs: 5000,
    };
    expect(kind.shape(stamp, { text: 'hi', mode: 'top', color: '#123456' })).toEqual({
      ...stamp,
      text: 'hi',
      mode: 'top',
      color: '#123456',
      streamTimeMs: 4000,
    });
    expect(kind.shape({ ...stamp, room: 'idle' }, { text: 'hi', mode: 'scroll', color: '#ffffff' }).streamTimeMs).toBe(
      -1,
    );
  });
});
