import { describe, expect, it } from 'vitest';
import { importKey } from './import-store.js';
import { importedDanmaku, type ImportedDanmaku } from './imported-danmaku.js';

const item: ImportedDanmaku = importedDanmaku(
  {
    id: 'bilibili:42',
    text: '前方高能',
    mode: 'top',
    color: '#ff0000',
    size: 'large',
    name: 'abcdef12',
    userId: 'bilibili:abcdef12',
    sentAtMs: 1_767_225_600_000,
    streamTimeMs: 83_412,
    seq: 42,
  },
  'demo',
  '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
  'mod-1',
);

describe('importKey', () => {
  it('is 64 hex digits, a subject token', () => {
    expect(importKey(item)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same whoever imports the danmaku', () => {
    expect(importKey({ ...item, importedBy: 'owner' })).toBe(importKey(item));
  });

  it.each([
    ['room', { room: 'other' }],
    ['publish', { publishId: '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e' }],
    ['row id', { id: 'bilibili:43' }],
    ['author', { userId: 'bilibili:00000000' }],
    ['send time', { sentAtMs: 1_767_225_601_000 }],
    ['stream time', { streamTimeMs: 83_413 }],
    ['mode', { mode: 'bottom' as const }],
    ['size', { size: 'small' as const }],
    ['colour', { color: '#ff0001' }],
    ['text', { text: '前方高能!' }],
  ])('differs with the %s', (_what, change) => {
    expect(importKey({ ...item, ...change })).not.toBe(importKey(item));
  });
});
