import { describe, expect, it } from 'vitest';
import { PostQueue } from './post-queue.js';

/** A store whose outcomes the test settles, one per pushed item. */
function manualStore() {
  const started: string[] = [];
  const settle = new Map<string, (outcome: string) => void>();
  return {
    started,
    store: (item: string) =>
      new Promise<string>((resolve) => {
        started.push(item);
        settle.set(item, resolve);
      }),
    settle: (item: string, outcome: string) => settle.get(item)!(outcome),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PostQueue', () => {
  it('starts every post at once and reports outcomes in push order', async () => {
    const s = manualStore();
    const reported: string[] = [];
    const queue = new PostQueue<string, string>(5, s.store, (item, outcome) => reported.push(`${item}:${outcome}`));
    for (const item of ['a', 'b', 'c']) expect(queue.push(item)).toBe(true);
    expect(s.started).toEqual(['a', 'b', 'c']);
    s.settle('c', 'ok');
    s.settle('b', 'refused');
    await tick();
    expect(reported).toEqual([]);
    s.settle('a', 'ok');
    await tick();
    expect(reported).toEqual(['a:ok', 'b:refused', 'c:ok']);
    expect(queue.size).toBe(0);
  });

  it('keeps at most capacity + 1 posts outstanding, counting those stored but not yet reported', async () => {
    const s = manualStore();
    const queue = new PostQueue<string, string>(1, s.store, () => undefined);
    expect(queue.push('a')).toBe(true);
    expect(queue.push('b')).toBe(true);
    s.settle('b', 'ok');
    await tick();
    expect(queue.push('c')).toBe(false);
    s.settle('a', 'ok');
    await tick();
    expect(queue.push('c')).toBe(true);
    expect(s.started).toEqual(['a', 'b', 'c']);
  });

  it('refuses posts and reports nothing once closed', async () => {
    const s = manualStore();
    const reported: string[] = [];
    const queue = new PostQueue<string, string>(5, s.store, (item) => reported.push(item));
    queue.push('a');
    queue.close();
    expect(queue.push('b')).toBe(false);
    s.settle('a', 'ok');
    await tick();
    expect(reported).toEqual([]);
    expect(s.started).toEqual(['a']);
  });
});
