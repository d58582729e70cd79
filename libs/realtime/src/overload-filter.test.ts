import { describe, expect, it } from 'vitest';
import { overloadFilter, type OverloadOptions } from './overload-filter.js';

const danmaku = (seq: number, text: string, userId = `u${seq}`, badge?: string): string =>
  JSON.stringify({ seq, v: 1, type: 'danmaku', userId, text, ...(badge ? { badge } : {}) });
const parsed = (frames: readonly string[]) => frames.map((f) => JSON.parse(f) as Record<string, unknown>);

/** A filter with the room's settings `initial`; the test may change `settings` between windows. */
function filter(initial: Partial<ReturnType<OverloadOptions['settings']>>) {
  const counts = { merged: 0, sampled: 0 };
  const settings = { merge: false, densityPerSec: 0, ...initial };
  const f = overloadFilter({
    type: 'danmaku',
    settings: () => settings,
    windowMs: 50,
    onMerged: (n) => (counts.merged += n),
    onSampled: (n) => (counts.sampled += n),
  });
  return { f, counts, settings };
}

describe('overloadFilter', () => {
  it('merges identical texts: the first keeps its place with a count, events and other texts pass in order', () => {
    const { f, counts } = filter({ merge: true });
    const deleted = JSON.stringify({ seq: 4, v: 1, type: 'deleted', id: 'x' });
    const out = f([danmaku(1, '666'), danmaku(2, 'hi'), danmaku(3, '666'), deleted, danmaku(5, '666')]);
    expect(parsed(out.frames)).toEqual([
      { seq: 1, v: 1, type: 'danmaku', userId: 'u1', text: '666', count: 3 },
      { seq: 2, v: 1, type: 'danmaku', userId: 'u2', text: 'hi' },
      { seq: 4, v: 1, type: 'deleted', id: 'x' },
    ]);
    expect(counts).toEqual({ merged: 2, sampled: 0 });
  });

  it("merges by text alone: the merged danmaku keeps the first one's mode, colour, size and sender", () => {
    const look = (seq: number, userId: string, mode: string, color: string, size: string) =>
      JSON.stringify({ seq, v: 1, type: 'danmaku', userId, text: '666', mode, color, size });
    const { f, counts } = filter({ merge: true });
    const out = f([
      look(1, 'u1', 'reverse', '#ff0000', 'large'),
      look(2, 'u2', 'scroll', '#ffffff', 'normal'),
      look(3, 'u3', 'top', '#00ff00', 'small'),
    ]);
    expect(parsed(out.frames)).toEqual([
      {
        seq: 1,
        v: 1,
        type: 'danmaku',
        userId: 'u1',
        text: '666',
        mode: 'reverse',
        color: '#ff0000',
        size: 'large',
        count: 3,
      },
    ]);
    expect(counts).toEqual({ merged: 2, sampled: 0 });
  });

  it('leaves texts that differ, other types and non-JSON alone, and merges nothing when told not to', () => {
    const frames = [danmaku(1, 'a'), danmaku(2, 'A'), JSON.stringify({ type: 'message', text: 'a' }), 'not json'];
    expect(filter({ merge: true }).f(frames).frames).toEqual(frames);
    expect(filter({ merge: false }).f([danmaku(1, 'a'), danmaku(2, 'a')]).frames).toHaveLength(2);
  });

  it('samples plain messages evenly down to the density, keeping badged ones and events, setting aside by sender', () => {
    // 100/s over 50 ms windows: 5 plain messages a window.
    const { f, counts } = filter({ densityPerSec: 100 });
    const frames = Array.from({ length: 20 }, (_, i) => danmaku(i + 1, `t${i + 1}`, i === 3 ? 'mod' : `u${i + 1}`));
    frames[3] = danmaku(4, 't4', 'mod', 'moderator');
    frames.push(JSON.stringify({ seq: 21, v: 1, type: 'cleared' }));
    const out = f(frames);
    const kept = parsed(out.frames);
    expect(kept.filter((m) => m.type === 'danmaku' && m.badge === undefined)).toHaveLength(5);
    expect(kept.some((m) => m.badge === 'moderator')).toBe(true);
    expect(kept.at(-1)).toMatchObject({ type: 'cleared' });
    expect(kept.map((m) => m.seq)).toEqual([...kept.map((m) => m.seq as number)].sort((a, b) => a - b));
    expect(counts.sampled).toBe(14);
    const aside = [...(out.setAside?.values() ?? [])].flat();
    expect(aside).toHaveLength(14);
    expect(out.setAside?.get('u2')).toEqual([danmaku(2, 't2')]);
  });

  it('passes everything at or under the density, carrying a fraction of allowance to the next window', () => {
    // 30/s over 50 ms windows: 1.5 a window, so 1 then 2.
    const { f, counts } = filter({ densityPerSec: 30 });
    expect(f([danmaku(1, 'a'), danmaku(2, 'b')]).frames).toHaveLength(1);
    expect(f([danmaku(3, 'c'), danmaku(4, 'd')]).frames).toHaveLength(2);
    expect(counts.sampled).toBe(1);
    const { f: open } = filter({ densityPerSec: 0 });
    expect(open(Array.from({ length: 50 }, (_, i) => danmaku(i, `x${i}`))).frames).toHaveLength(50);
  });

  it("follows the room's settings as they change between windows", () => {
    const { f, counts, settings } = filter({});
    const window = (from: number) => Array.from({ length: 10 }, (_, i) => danmaku(from + i, 'same'));
    expect(f(window(1)).frames).toHaveLength(10);
    settings.merge = true;
    expect(parsed(f(window(11)).frames)).toEqual([
      { seq: 11, v: 1, type: 'danmaku', userId: 'u11', text: 'same', count: 10 },
    ]);
    settings.merge = false;
    settings.densityPerSec = 40;
    expect(f(window(21)).frames).toHaveLength(2);
    expect(counts).toEqual({ merged: 9, sampled: 8 });
  });
});
