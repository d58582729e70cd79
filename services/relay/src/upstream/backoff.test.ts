import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the bound and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('stays bounded after many attempts', () => {
    const b = new Backoff({ initialMs: 200, maxMs: 5000 });
    for (let i = 0; i < 100; i++) b.next();
    expect(b.next()).toBe(5000);
  });
});
