import { describe, expect, it } from 'vitest';
import { dplayerAnswer } from './dplayer-answer.js';
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

describe('dplayerAnswer', () => {
  it('answers {code:0,data:[[timeS,type,color,author,text]]}', () => {
    expect(dplayerAnswer([item({ streamTimeMs: 12_345, color: '#ff0000', name: 'ann', text: '888' })])).toEqual({
      code: 0,
      data: [[12.345, 0, 16711680, 'ann', '888']],
    });
  });

  it.each([
    ['scroll', 0],
    ['top', 1],
    ['bottom', 2],
    ['reverse', 0],
  ] as const)('maps mode %s to type %i', (mode, type) => {
    expect(dplayerAnswer([item({ mode })]).data[0]?.[1]).toBe(type);
  });

  it('HTML-escapes author and text, since DPlayer draws with innerHTML', () => {
    const [row] = dplayerAnswer([item({ name: '<b>"x"</b>', text: '<img src=x onerror=alert(1)>' })]).data;
    expect(row?.[3]).toBe('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(row?.[4]).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('clamps a negative stream time to 0 and keeps the order given', () => {
    const answer = dplayerAnswer([item({ streamTimeMs: -1, text: 'a' }), item({ streamTimeMs: 5, text: 'b' })]);
    expect(answer.data.map((row) => [row[0], row[4]])).toEqual([
      [0, 'a'],
      [0.005, 'b'],
    ]);
  });

  it('serialises as DPlayer reads it', () => {
    expect(JSON.stringify(dplayerAnswer([item({ streamTimeMs: 2000, mode: 'top' })]))).toBe(
      '{"code":0,"data":[[2,1,16777215,"ann","hi"]]}',
    );
  });
});
