import { describe, expect, it } from 'vitest';
import { parseUpgradeTarget } from './upgrade-request.js';

describe('parseUpgradeTarget', () => {
  it.each([
    ['/ws?room=demo', { room: 'demo' }],
    ['/ws?room=a-1&since=4', { room: 'a-1' }],
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
    ['/ws?room=demo&token=eyJhbGciOiJIUzI1NiJ9.e30.x', 'INVALID_ARGUMENT', 'token'],
    [undefined, 'NOT_FOUND', undefined],
  ])('refuses %s with %s', (target, code, field) => {
    const result = parseUpgradeTarget(target, '/ws');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe(code);
    expect(result.rejection.field).toBe(field);
  });
});
