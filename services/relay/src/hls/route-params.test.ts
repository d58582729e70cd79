import { describe, expect, it } from 'vitest';
import { parseRendition, parseRenditionFile, parseRoom, type RenditionFile } from './route-params.js';

describe('parseRoom', () => {
  const cases: Array<[string, string | undefined]> = [
    ['demo', 'demo'],
    ['room-42', 'room-42'],
    ['a'.repeat(64), 'a'.repeat(64)],
    ['a'.repeat(65), undefined],
    ['', undefined],
    ['..', undefined],
    ['.', undefined],
    ['Demo', undefined],
    ['de_mo', undefined],
    ['a/b', undefined],
    ['a\\b', undefined],
    ['%2e%2e', undefined],
    ['demo\n', undefined],
    ['demo\0', undefined],
  ];
  it.each(cases)('%j → %j', (value, want) => {
    expect(parseRoom(value)).toBe(want);
  });
});

describe('parseRendition', () => {
  const cases: Array<[string, string | undefined]> = [
    ['source', 'source'],
    ['480p', '480p'],
    ['audio_only-2', 'audio_only-2'],
    ['a'.repeat(32), 'a'.repeat(32)],
    ['a'.repeat(33), undefined],
    ['', undefined],
    ['..', undefined],
    ['../source', undefined],
    ['SOURCE', undefined],
    ['src.m3u8', undefined],
  ];
  it.each(cases)('%j → %j', (value, want) => {
    expect(parseRendition(value)).toBe(want);
  });
});

describe('parseRenditionFile', () => {
  const cases: Array<[string, RenditionFile | undefined]> = [
    ['index.m3u8', { kind: 'playlist' }],
    ['init-0123456789abcdef.mp4', { kind: 'init', id: '0123456789abcdef' }],
    ['init-0.mp4', undefined],
    ['init-0123456789ABCDEF.mp4', undefined],
    ['init-0123456789abcdef0.mp4', undefined],
    ['init-0123456789abcdeg.mp4', undefined],
    ['seg-0.m4s', { kind: 'segment', sequence: 0 }],
    ['seg-007.m4s', { kind: 'segment', sequence: 7 }],
    ['seg-999999999999999.m4s', { kind: 'segment', sequence: 999_999_999_999_999 }],
    ['seg-1000000000000000.m4s', undefined],
    ['seg--1.m4s', undefined],
    ['seg-+1.m4s', undefined],
    ['seg-1e3.m4s', undefined],
    ['seg-0x10.m4s', undefined],
    ['seg- 1.m4s', undefined],
    ['seg-1.m4s.bak', undefined],
    ['seg-1.mp4', undefined],
    ['init-.mp4', undefined],
    ['init-1.m4s', undefined],
    ['index.m3u8/', undefined],
    ['master.m3u8', undefined],
    ['..', undefined],
    ['../../etc/passwd', undefined],
    ['', undefined],
  ];
  it.each(cases)('%j → %j', (value, want) => {
    expect(parseRenditionFile(value)).toEqual(want);
  });
});
