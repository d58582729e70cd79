import { describe, expect, it } from 'vitest';
import { artplayerItems } from './artplayer.js';
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

describe('artplayerItems', () => {
  it('lists {text, time (s), mode, color #rrggbb, border}', () => {
    expect(artplayerItems([item({ streamTimeMs: 61_250, color: '#00ff7f', text: '前方高能' })])).toEqual([
      { text: '前方高能', time: 61.25, mode: 0, color: '#00ff7f', border: false },
    ]);
  });

  it.each([
    ['scroll', 0],
    ['top', 1],
    ['bottom', 2],
    ['reverse', 0],
  ] as const)('maps mode %s to %i', (mode, expected) => {
    expect(artplayerItems([item({ mode })])[0]?.mode).toBe(expected);
  });

  it("borders the viewer's own danmaku only", () => {
    const items = [item({ userId: 'u1', text: 'mine' }), item({ userId: 'u2', text: 'theirs' })];
    expect(artplayerItems(items, 'u1').map((danmu) => danmu.border)).toEqual([true, false]);
    expect(artplayerItems(items).map((danmu) => danmu.border)).toEqual([false, false]);
  });

  it('clamps a negative stream time to 0', () => {
    expect(artplayerItems([item({ streamTimeMs: -1 })])[0]?.time).toBe(0);
  });
});
