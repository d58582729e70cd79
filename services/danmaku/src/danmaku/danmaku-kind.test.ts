import { describe, expect, it } from 'vitest';
import { validate } from '@onair/realtime';
import { danmakuKind, danmakuPostSchema } from './danmaku-kind.js';

const schema = danmakuPostSchema(10);

describe('danmakuPostSchema', () => {
  it.each([
    [
      { type: 'danmaku', text: 'hi' },
      { text: 'hi', mode: 'scroll', color: '#ffffff', size: 'normal' },
    ],
    [
      { type: 'danmaku', text: ' 888 ', mode: 'top', color: '#FF0000' },
      { text: '888', mode: 'top', color: '#ff0000', size: 'normal' },
    ],
    [
      { text: '前方高能', mode: 'bottom', color: '#00ff7f', size: 'small' },
      { text: '前方高能', mode: 'bottom', color: '#00ff7f', size: 'small' },
    ],
    [
      { text: '倒着走', mode: 'reverse', size: 'large' },
      { text: '倒着走', mode: 'reverse', color: '#ffffff', size: 'large' },
    ],
    [
      { text: 'hi', playheadMs: 1_700_000_000_000 },
      { text: 'hi', mode: 'scroll', color: '#ffffff', size: 'normal', playheadMs: 1_700_000_000_000 },
    ],
    [
      { text: 'x'.repeat(10), extra: true },
      { text: 'x'.repeat(10), mode: 'scroll', color: '#ffffff', size: 'normal' },
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
    [{ text: 'hi', mode: 'left' }, 'mode', 'mode must be scroll, top, bottom or reverse'],
    [{ text: 'hi', mode: 1 }, 'mode', 'mode must be scroll, top, bottom or reverse'],
    [{ text: 'hi', mode: 'REVERSE' }, 'mode', 'mode must be scroll, top, bottom or reverse'],
    [{ text: 'hi', size: 'huge' }, 'size', 'size must be small, normal or large'],
    [{ text: 'hi', size: 25 }, 'size', 'size must be small, normal or large'],
    [{ text: 'hi', size: null }, 'size', 'size must be small, normal or large'],
    [{ text: 'hi', color: 'red' }, 'color', 'color must be #rrggbb'],
    [{ text: 'hi', color: '#fff' }, 'color', 'color must be #rrggbb'],
    [{ text: 'hi', color: 0xffffff }, 'color', 'color must be a string'],
    [{ text: 'hi', playheadMs: '5' }, 'playheadMs', 'playheadMs must be a number'],
    [{ text: 'hi', playheadMs: 1.5 }, 'playheadMs', 'playheadMs must be an integer (unix epoch ms)'],
    [{ text: 'hi', playheadMs: -1 }, 'playheadMs', 'playheadMs must not be negative'],
  ])('rejects %j naming %s', (input, field, message) => {
    expect(validate(schema, input)).toEqual({ ok: false, rejection: { code: 'INVALID_ARGUMENT', message, field } });
  });
});

describe('danmakuKind', () => {
  it('shapes a danmaku with the publish and stream time of its room at its server time and playhead', () => {
    const kind = danmakuKind(10, (room, atMs, playheadMs) =>
      room === 'live' ? { publishId: 'p1', streamTimeMs: (playheadMs ?? atMs) - 1000 } : { streamTimeMs: -1 },
    );
    const stamp = {
      v: 1 as const,
      type: 'danmaku',
      id: 'id-1',
      room: 'live',
      name: 'alice',
      userId: 'u-alice',
      sentAtMs: 5000,
    };
    expect(kind.shape(stamp, { text: 'hi', mode: 'reverse', color: '#123456', size: 'large' })).toEqual({
      ...stamp,
      text: 'hi',
      mode: 'reverse',
      color: '#123456',
      size: 'large',
      streamTimeMs: 4000,
      publishId: 'p1',
    });
    const played = kind.shape(stamp, {
      text: 'hi',
      mode: 'scroll',
      color: '#ffffff',
      size: 'normal',
      playheadMs: 3000,
    });
    expect(played).toMatchObject({ streamTimeMs: 2000, publishId: 'p1' });
    expect(played).not.toHaveProperty('playheadMs');
    const idle = kind.shape(
      { ...stamp, room: 'idle' },
      { text: 'hi', mode: 'scroll', color: '#ffffff', size: 'normal' },
    );
    expect(idle.streamTimeMs).toBe(-1);
    expect(idle).not.toHaveProperty('publishId');
  });
});
