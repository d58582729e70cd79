import { describe, expect, it } from 'vitest';
import { assColor, assExport, assTime, escapeAss } from './ass-export.js';
import type { ReplayItem } from './replay-item.js';

function item(overrides: Partial<ReplayItem>): ReplayItem {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    text: 'hi',
    mode: 'scroll',
    color: '#ffffff',
    size: 'normal',
    name: 'ann',
    userId: 'u1',
    sentAtMs: 1_700_000_000_000,
    streamTimeMs: 1500,
    seq: 1,
    ...overrides,
  };
}

function dialogues(ass: string): string[] {
  return ass.split('\n').filter((line) => line.startsWith('Dialogue: '));
}

describe('assExport', () => {
  it('writes the three sections with PlayRes and the style', () => {
    const { ass } = assExport([]);
    for (const line of [
      '[Script Info]',
      'ScriptType: v4.00+',
      'PlayResX: 1920',
      'PlayResY: 1080',
      '[V4+ Styles]',
      '[Events]',
      'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ])
      expect(ass.split('\n')).toContain(line);
    expect(ass).toMatch(/^Style: Danmaku,sans-serif,50,/m);
  });

  it('moves a scroll danmaku right to left over 8 s', () => {
    expect(dialogues(assExport([item({ text: 'hi' })]).ass)).toEqual([
      'Dialogue: 0,0:00:01.50,0:00:09.50,Danmaku,,0,0,0,,{\\an7\\move(1920,0,-55,0)\\fs50\\c&HFFFFFF&}hi',
    ]);
  });

  it('moves a reverse danmaku left to right', () => {
    expect(dialogues(assExport([item({ mode: 'reverse' })]).ass)[0]).toContain('{\\an7\\move(-55,0,1920,0)');
  });

  it('centres top danmaku with \\an8 and bottom ones with \\an2, 4 s each', () => {
    const [top, bottom] = dialogues(assExport([item({ mode: 'top' }), item({ mode: 'bottom' })]).ass);
    expect(top).toContain('0:00:01.50,0:00:05.50');
    expect(top).toContain('{\\an8\\pos(960,0)');
    expect(bottom).toContain('{\\an2\\pos(960,1080)');
  });

  it.each([
    ['small', 36],
    ['normal', 50],
    ['large', 72],
  ] as const)('draws size %s at %i px on 1080 lines', (size, px) => {
    expect(dialogues(assExport([item({ size })]).ass)[0]).toContain(`\\fs${px}\\`);
  });

  it('writes colours as &HBBGGRR& with a white outline for dark ones', () => {
    expect(assColor('#fe2c55')).toBe('&H552CFE&');
    expect(dialogues(assExport([item({ color: '#ff0000' })]).ass)[0]).toContain('\\c&H0000FF&}');
    expect(dialogues(assExport([item({ color: '#000000' })]).ass)[0]).toContain('\\c&H000000&\\3c&HFFFFFF&}');
  });

  it('gives simultaneous danmaku different lanes and drops what does not fit', () => {
    const items = Array.from({ length: 20 }, (_, n) => item({ mode: 'top', text: `t${n}` }));
    const { ass, dropped } = assExport(items);
    const ys = dialogues(ass).map((line) => /\\pos\(960,(\d+)\)/.exec(line)?.[1]);
    expect(new Set(ys).size).toBe(18);
    expect(dropped).toBe(2);
  });

  it('places by stream time whatever the input order', () => {
    const lines = dialogues(
      assExport([item({ streamTimeMs: 5000, text: 'b' }), item({ streamTimeMs: 0, text: 'a' })]).ass,
    );
    expect(lines.map((line) => line.slice(-1))).toEqual(['a', 'b']);
  });

  it('escapes text so that it never opens an override block', () => {
    const [line] = dialogues(assExport([item({ text: '{\\b1}\\N<img src=x onerror=alert(1)>' })]).ass);
    const text = line?.slice(line.indexOf('}') + 1);
    expect(text).toBe('\\{\\\u2060b1\\}\\\u2060N<img src=x onerror=alert(1)>');
    expect(text?.replace(/\\[{}]/g, '')).not.toMatch(/[{}]/);
  });
});

describe('ASS helpers', () => {
  it.each([
    [0, '0:00:00.00'],
    [1_509, '0:00:01.50'],
    [3_723_004, '1:02:03.00'],
    [-5, '0:00:00.00'],
  ])('assTime(%i) is %s', (ms, expected) => {
    expect(assTime(ms)).toBe(expected);
  });

  it('escapeAss makes control characters a space', () => {
    expect(escapeAss('a\nb\tc')).toBe('a b c');
  });
});
