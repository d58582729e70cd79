import { describe, expect, it } from 'vitest';
import type { danmaku } from '@onair/proto';
import { validate } from '@onair/realtime';
import { danmakuPostSchema, DANMAKU_MODES, DANMAKU_SIZES, type Danmaku } from '../danmaku/danmaku-kind.js';
import { postFieldsOf, toProtoDanmaku } from './danmaku-handlers.js';

const request = (fields: Partial<danmaku.PostDanmakuRequest__Output>): danmaku.PostDanmakuRequest__Output => ({
  room: 'demo',
  name: 'bot',
  text: 'hi',
  mode: 'MODE_UNSPECIFIED',
  color: '',
  userId: '',
  size: 'SIZE_UNSPECIFIED',
  playheadMs: 0,
  ...fields,
});

const delivered: Danmaku = {
  v: 1,
  type: 'danmaku',
  id: 'id-1',
  room: 'demo',
  name: 'alice',
  userId: 'u-alice',
  sentAtMs: 5000,
  text: 'hi',
  mode: 'scroll',
  color: '#ffffff',
  size: 'normal',
  streamTimeMs: 4000,
};

describe('postFieldsOf', () => {
  it.each([
    [{}, { mode: 'scroll', size: 'normal', color: '#ffffff' }],
    [
      { mode: 'MODE_REVERSE', size: 'SIZE_LARGE' },
      { mode: 'reverse', size: 'large', color: '#ffffff' },
    ],
    [
      { mode: 'MODE_TOP', size: 'SIZE_SMALL', color: '#FF0000' },
      { mode: 'top', size: 'small', color: '#ff0000' },
    ],
    [
      { mode: 'MODE_BOTTOM', size: 'SIZE_NORMAL' },
      { mode: 'bottom', size: 'normal', color: '#ffffff' },
    ],
    [{ mode: 'MODE_SCROLL' }, { mode: 'scroll', size: 'normal', color: '#ffffff' }],
    [
      { playheadMs: 1_700_000_000_000 },
      { mode: 'scroll', size: 'normal', color: '#ffffff', playheadMs: 1_700_000_000_000 },
    ],
  ] as const)('maps %j to a post with %j, UNSPECIFIED taking the defaults', (fields, expected) => {
    expect(validate(danmakuPostSchema(100), postFieldsOf(request(fields)))).toEqual({
      ok: true,
      value: { text: 'hi', ...expected },
    });
  });
});

describe('toProtoDanmaku', () => {
  it('maps every mode and size to its enum value and keeps the other fields', () => {
    const modes = DANMAKU_MODES.map((mode) => toProtoDanmaku({ ...delivered, mode }).mode);
    expect(modes).toEqual(['MODE_SCROLL', 'MODE_TOP', 'MODE_BOTTOM', 'MODE_REVERSE']);
    const sizes = DANMAKU_SIZES.map((size) => toProtoDanmaku({ ...delivered, size }).size);
    expect(sizes).toEqual(['SIZE_SMALL', 'SIZE_NORMAL', 'SIZE_LARGE']);
    expect(toProtoDanmaku({ ...delivered, mode: 'reverse', size: 'large' })).toEqual({
      id: 'id-1',
      room: 'demo',
      name: 'alice',
      userId: 'u-alice',
      text: 'hi',
      mode: 'MODE_REVERSE',
      color: '#ffffff',
      size: 'SIZE_LARGE',
      sentAtMs: 5000,
      streamTimeMs: 4000,
      publishId: '',
    });
    expect(toProtoDanmaku({ ...delivered, publishId: 'p1' }).publishId).toBe('p1');
  });

  it('round-trips every mode and size through a request', () => {
    for (const mode of DANMAKU_MODES)
      for (const size of DANMAKU_SIZES) {
        const proto = toProtoDanmaku({ ...delivered, mode, size });
        const enums = { mode: proto.mode as danmaku.Mode__Output, size: proto.size as danmaku.Size__Output };
        const fields = postFieldsOf(request(enums));
        expect(fields).toMatchObject({ mode, size });
      }
  });
});
