import { describe, expect, it } from 'vitest';
import { parseUpgradeTarget } from './upgrade-request.js';

describe('parseUpgradeTarget', () => {
  it.each([
    ['/ws?room=demo', { room: 'demo', name: null }],
    ['/ws?room=demo&name=alice', { room: 'demo', name: 'alice' }],
    ['/ws?name=%20bob%20&room=a-1', { room: 'a-1', name: 'bob' }],
    ['/ws?room=demo&name=%E5%BC%B9%E5%B9%95', { room: 'demo', name: '弹幕' }],
  ])('accepts %s', (target, expected) => {
    expect(parseUpgradeTarget(target, '/ws')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['/', 'NOT_FOUND', undefined],
    ['/chat?room=demo', 'NOT_FOUND', undefined],
    ['/ws', 'INVALID_ARGUMENT', 'room'],
    ['/ws?room=', 'INVALID_ARGUMENT', 'room'],
    ['/ws?room=UPPER', 'INVALID_ARGUMENT', 'room'],
    ['/ws?room=a.b', 'INVALID_ARGUMENT', 'room'],
    [`/ws?room=${'a'.repeat(65)}`, 'INVALID_ARGUMENT', 'room'],
    ['/ws?room=demo&name=', 'INVALID_ARGUMENT', 'name'],
    [`/ws?room=demo&name=${'n'.repeat(33)}`, 'INVALID_ARGUMENT', 'name'],
    [undefined, 'NOT_FOUND', undefined],
  ])('refuses %s with %s', (target, code, field) => {
    const result = parseUpgradeTarget(target, '/ws');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe(code);
    expect(result.rejection.field).toBe(field);
  });
});
