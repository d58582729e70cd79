import { describe, expect, it } from 'vitest';
import { mergeIdentical } from './merge-identical.js';

const danmaku = (seq: number, text: string): string =>
  JSON.stringify({ seq, v: 1, type: 'danmaku', userId: `u${seq}`, text, mode: 'scroll' });

describe('mergeIdentical', () => {
  it('keeps the first of identical texts in its place with a count, and the rest in order', () => {
    let merged = 0;
    const filter = mergeIdentical('danmaku', (n) => (merged += n));
    const deleted = JSON.stringify({ seq: 4, v: 1, type: 'deleted', id: 'x' });
    const out = filter([danmaku(1, '666'), danmaku(2, 'hi'), danmaku(3, '666'), deleted, danmaku(5, '666')]);
    expect(out.map((f) => JSON.parse(f) as Record<string, unknown>)).toEqual([
      { seq: 1, v: 1, type: 'danmaku', userId: 'u1', text: '666', mode: 'scroll', count: 3 },
      { seq: 2, v: 1, type: 'danmaku', userId: 'u2', text: 'hi', mode: 'scroll' },
      { seq: 4, v: 1, type: 'deleted', id: 'x' },
    ]);
    expect(merged).toBe(2);
  });

  it('leaves a window without repeats, other types and texts that differ in case alone as they are', () => {
    const filter = mergeIdentical('danmaku', () => expect.unreachable());
    const frames = [danmaku(1, 'a'), danmaku(2, 'A'), JSON.stringify({ type: 'message', text: 'a' }), 'not json'];
    expect(filter(frames)).toBe(frames);
  });
});
