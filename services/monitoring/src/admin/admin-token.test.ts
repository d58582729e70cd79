import { describe, expect, it } from 'vitest';
import { adminTokenCheck } from './admin-token.js';

describe('adminTokenCheck', () => {
  const check = adminTokenCheck('s3cret-admin');

  it.each([
    { header: 'Bearer s3cret-admin', auth: 'ok' },
    { header: 'bearer  s3cret-admin', auth: 'ok' },
    { header: 'Bearer s3cret-admin2', auth: 'wrong' },
    { header: 'Bearer S3CRET-ADMIN', auth: 'wrong' },
    { header: 'Basic czNjcmV0LWFkbWlu', auth: 'missing' },
    { header: 'Bearer ', auth: 'missing' },
    { header: 's3cret-admin', auth: 'missing' },
    { header: undefined, auth: 'missing' },
  ])('$header → $auth', ({ header, auth }) => {
    expect(check(header)).toBe(auth);
  });

  it('is off without a token, whatever the header', () => {
    const off = adminTokenCheck('');
    expect(off('Bearer ')).toBe('off');
    expect(off(undefined)).toBe('off');
    expect(off('Bearer anything')).toBe('off');
  });
});
