import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps values oldest first until full', () => {
    const ring = new RingBuffer(3);
    expect(ring.toArray()).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect([ring.length, ring.toArray()]).toEqual([2, [1, 2]]);
  });

  it('never holds more than its capacity: the oldest values go first', () => {
    const ring = new RingBuffer(3);
    for (let i = 1; i <= 10; i += 1) ring.push(i);
    expect([ring.length, ring.toArray()]).toEqual([3, [8, 9, 10]]);
  });

  it('works with a capacity of one', () => {
    const ring = new RingBuffer(1);
    ring.push(5);
    ring.push(6);
    expect(ring.toArray()).toEqual([6]);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a capacity of %s', (capacity) => {
    expect(() => new RingBuffer(capacity)).toThrow(RangeError);
  });
});
