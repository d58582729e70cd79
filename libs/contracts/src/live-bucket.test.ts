import { describe, expect, it } from 'vitest';
import { decodeLiveEntry, encodeLiveEntry } from './live-bucket.js';

describe('live bucket values', () => {
  it('round-trips a publish as the JSON both sides read', () => {
    const publish = { publishId: 'b2c1f0e4-0000-4000-8000-000000000001', startedAtMs: 1_700_000_000_000 };
    expect(encodeLiveEntry(publish)).toBe(
      '{"publishId":"b2c1f0e4-0000-4000-8000-000000000001","startedAtMs":1700000000000}',
    );
    expect(decodeLiveEntry(encodeLiveEntry(publish))).toEqual(publish);
  });

  it.each([
    ['not json', '{'],
    ['no publish id', '{"startedAtMs":1}'],
    ['an empty publish id', '{"publishId":"","startedAtMs":1}'],
    ['a negative start', '{"publishId":"p","startedAtMs":-1}'],
    ['a fractional start', '{"publishId":"p","startedAtMs":1.5}'],
    ['an array', '[]'],
  ])('reads %s as no publish', (_name, value) => {
    expect(decodeLiveEntry(value)).toBeUndefined();
  });
});
