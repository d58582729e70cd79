import { describe, expect, it } from 'vitest';
import {
  errorFrame,
  frameSeq,
  historyFrame,
  isRoomMessage,
  parseClientFrame,
  presenceFrame,
  recoveredFrame,
  welcomeFrame,
  withSeq,
} from './frames.js';

describe('parseClientFrame', () => {
  it.each([
    ['{"type":"hello","token":"a.b.c"}', { type: 'hello', token: 'a.b.c' }],
    ['{"v":1,"type":"message","text":"hi"}', { v: 1, type: 'message', text: 'hi' }],
  ])('parses %s', (text, expected) => {
    expect(parseClientFrame(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['not json', 'frame is not valid JSON', undefined],
    ['{"type":', 'frame is not valid JSON', undefined],
    ['[1,2]', 'frame must be a JSON object', undefined],
    ['"hello"', 'frame must be a JSON object', undefined],
    ['null', 'frame must be a JSON object', undefined],
    ['{}', 'type must be a string', 'type'],
    ['{"type":7}', 'type must be a string', 'type'],
    ['{"type":"hello","v":2}', 'v must be 1', 'v'],
  ])('rejects %s', (text, message, field) => {
    const result = parseClientFrame(text);
    expect(result).toEqual({
      ok: false,
      rejection: field ? { code: 'INVALID_ARGUMENT', message, field } : { code: 'INVALID_ARGUMENT', message },
    });
  });
});

describe('server frames', () => {
  it('carry v and type', () => {
    expect(JSON.parse(errorFrame({ code: 'RATE_LIMITED', message: 'slow down' }))).toEqual({
      v: 1,
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'slow down',
    });
    expect(JSON.parse(errorFrame({ code: 'UNAVAILABLE', message: 'try again' }, 'k1'))).toEqual({
      v: 1,
      type: 'error',
      code: 'UNAVAILABLE',
      message: 'try again',
      key: 'k1',
    });
    const limits = { maxTextLength: 100, ratePerSec: 5, rateBurst: 10, maxFrameBytes: 4096 };
    expect(JSON.parse(welcomeFrame({ room: 'r', conn: '1', user: null, limits }))).toEqual({
      v: 1,
      type: 'welcome',
      room: 'r',
      conn: '1',
      user: null,
      limits,
    });
    const message = {
      v: 1 as const,
      type: 'message',
      id: 'x',
      room: 'r',
      name: 'a',
      userId: 'u',
      text: 't',
      sentAtMs: 1,
    };
    expect(JSON.parse(historyFrame([message]))).toEqual({ v: 1, type: 'history', messages: [message] });
    const users = [{ userId: 'u1', name: 'Ann' }];
    expect(presenceFrame('r', { viewers: 3, users })).toBe(
      '{"v":1,"type":"presence","room":"r","viewers":3,"users":[{"userId":"u1","name":"Ann"}]}',
    );
    expect(presenceFrame('r', { viewers: 300 })).toBe('{"v":1,"type":"presence","room":"r","viewers":300}');
  });

  it('recognises stored messages of a type', () => {
    const message = { v: 1, type: 'message', id: 'x', room: 'r', name: 'a', userId: 'u', text: 't', sentAtMs: 1 };
    expect(isRoomMessage(message, 'message')).toBe(true);
    expect(isRoomMessage(message, 'danmaku')).toBe(false);
    expect(isRoomMessage({ ...message, id: 3 }, 'message')).toBe(false);
    expect(isRoomMessage('x', 'message')).toBe(false);
  });

  it.each([
    ['{"v":1,"type":"message"}', 42, '{"seq":42,"v":1,"type":"message"}'],
    ['{}', 1, '{"seq":1}'],
    ['{ }', 2, '{"seq":2}'],
    ['[1]', 3, undefined],
  ])('inserts seq into %s without re-serialising it', (text, seq, expected) => {
    const frame = withSeq(text, seq);
    expect(frame).toBe(expected);
    if (frame !== undefined) {
      expect(JSON.parse(frame)).toMatchObject({ seq });
      expect(frameSeq(frame)).toBe(seq);
    }
  });

  it('reads the seq of frames that start with one only', () => {
    expect(frameSeq('{"seq":7,"type":"x"}')).toBe(7);
    expect(frameSeq('{"type":"x","seq":7}')).toBeUndefined();
    expect(frameSeq(recoveredFrame(true, 0))).toBeUndefined();
    expect(JSON.parse(recoveredFrame(false, 3))).toEqual({ v: 1, type: 'recovered', complete: false, count: 3 });
  });
});
