import { describe, expect, it } from 'vitest';
import { colorSchema, nameSchema, postKeySchema, roomIdSchema, textSchema } from './fields.js';
import { validate } from './validate.js';

describe('textSchema', () => {
  const text = textSchema('text', 5);
  it.each([
    ['hello', 'hello'],
    ['  hi  ', 'hi'],
    ['弹幕弹幕弹', '弹幕弹幕弹'],
    ['😀😀😀😀😀', '😀😀😀😀😀'],
    ['\nhi\t', 'hi'],
  ])('accepts %j as %j', (input, expected) => {
    expect(validate(text, input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'text must not be empty'],
    ['   ', 'text must not be empty'],
    ['toolong', 'text must be at most 5 characters'],
    ['😀😀😀😀😀😀', 'text must be at most 5 characters'],
    ['a\nb', 'text must not contain control characters'],
    ['a\u0000b', 'text must not contain control characters'],
    ['a\u007fb', 'text must not contain control characters'],
    [42, 'text must be a string'],
    [null, 'text must be a string'],
  ])('rejects %j: %s', (input, message) => {
    expect(validate(text, input)).toEqual({ ok: false, rejection: { code: 'INVALID_ARGUMENT', message } });
  });
});

describe('nameSchema', () => {
  it.each([
    ['alice', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['bob\u001b[31m', false],
  ])('%j → ok %s', (input, ok) => {
    expect(validate(nameSchema, input).ok).toBe(ok);
  });
});

describe('colorSchema', () => {
  it.each([
    ['#ffffff', '#ffffff'],
    ['#A0b1C2', '#a0b1c2'],
  ])('accepts %j as %j', (input, expected) => {
    expect(validate(colorSchema, input)).toEqual({ ok: true, value: expected });
  });

  it.each(['ffffff', '#fff', '#fffffff', '#gggggg', 'red', 255])('rejects %j', (input) => {
    expect(validate(colorSchema, input).ok).toBe(false);
  });
});

describe('roomIdSchema', () => {
  it.each([
    ['demo', true],
    ['room-42', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['Demo', false],
    ['a.b', false],
    ['a*', false],
    ['a b', false],
  ])('%j → ok %s', (input, ok) => {
    expect(validate(roomIdSchema, input).ok).toBe(ok);
  });
});

describe('postKeySchema', () => {
  it.each([
    ['7', true],
    ['0f8e2c1a-9b7d-4e3f-8a21-5c6d7e8f9a0b', true],
    ['V1StGXR8_Z5jdHi6B-myT', true],
    ['k'.repeat(64), true],
    ['k'.repeat(65), false],
    ['', false],
    ['a b', false],
    ['a.b', false],
    ['ключ', false],
    [7, false],
  ])('%j → ok %s', (input, ok) => {
    expect(validate(postKeySchema, input).ok).toBe(ok);
  });
});
