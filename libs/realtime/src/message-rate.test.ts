import { describe, expect, it } from 'vitest';
import { MessageRate } from './message-rate.js';

describe('MessageRate', () => {
  it('averages the messages of the last 10 s per room and forgets older ones', () => {
    let now = 1_000_000;
    const rate = new MessageRate(10_000, () => now);
    for (let i = 0; i < 20; i++) rate.record('a');
    rate.record('b');
    expect(rate.perSecond('a')).toBe(2);
    expect(rate.perSecond('b')).toBeCloseTo(0.1);
    expect(rate.perSecond('c')).toBe(0);
    now += 5000;
    for (let i = 0; i < 10; i++) rate.record('a');
    expect(rate.perSecond('a')).toBe(3);
    expect(rate.activeRooms().sort()).toEqual(['a', 'b']);
    now += 6000;
    expect(rate.perSecond('a')).toBe(1);
    expect(rate.activeRooms()).toEqual(['a']);
    now += 10_000;
    expect(rate.activeRooms()).toEqual([]);
  });
});
