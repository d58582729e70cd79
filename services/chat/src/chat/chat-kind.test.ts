import { describe, expect, it } from 'vitest';
import { validate } from '@onair/realtime';
import { chatKind, chatPostSchema } from './chat-kind.js';

const schema = chatPostSchema(20);

describe('chatPostSchema', () => {
  it.each([
    [{ type: 'message', text: 'hello' }, 'hello'],
    [{ text: '  spaced out  ' }, 'spaced out'],
    [{ text: 'x'.repeat(20) }, 'x'.repeat(20)],
    [{ text: '👋🏽 hi' }, '👋🏽 hi'],
  ])('accepts %j', (input, text) => {
    expect(validate(schema, input)).toEqual({ ok: true, value: { text } });
  });

  it.each([
    [{}, 'text must be a string'],
    [{ text: null }, 'text must be a string'],
    [{ text: ['hi'] }, 'text must be a string'],
    [{ text: '' }, 'text must not be empty'],
    [{ text: '\t \n' }, 'text must not be empty'],
    [{ text: 'x'.repeat(21) }, 'text must be at most 20 characters'],
    [{ text: 'line one\nline two' }, 'text must not contain control characters'],
    [{ text: 'bell\u0007' + 'x' }, 'text must not contain control characters'],
  ])('rejects %j', (input, message) => {
    expect(validate(schema, input)).toEqual({
      ok: false,
      rejection: { code: 'INVALID_ARGUMENT', message, field: 'text' },
    });
  });
});

describe('chatKind', () => {
  it('shapes a message from the stamp and the text', () => {
    const stamp = {
      v: 1 as const,
      type: 'message',
      id: 'id-1',
      room: 'demo',
      name: 'alice',
      userId: 'u-alice',
      sentAtMs: 42,
    };
    expect(chatKind(20).shape(stamp, { text: 'hi' })).toEqual({ ...stamp, text: 'hi' });
  });
});
