import { describe, expect, it, vi } from 'vitest';
import { framesOf, type FrameBatch, type WindowFilter } from './room-batch.js';
import { groupPhase, MAX_GROUPS, MEMBERS_PER_GROUP, ViewerGroups } from './viewer-groups.js';

/** A member that records when (fake ms) each frame reached it. */
function member(clock: () => number) {
  const got: Array<{ atMs: number; frames: readonly string[] }> = [];
  return { got, deliver: (batch: string | FrameBatch) => got.push({ atMs: clock(), frames: framesOf(batch) }) };
}

describe('groupPhase', () => {
  it('spreads any number of groups over the window: 1, 1/2, 1/4, 3/4, 1/8, 5/8, 3/8, 7/8', () => {
    expect(Array.from({ length: 8 }, (_, i) => groupPhase(i))).toEqual([
      1, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875,
    ]);
    const phases = new Set(Array.from({ length: MAX_GROUPS }, (_, i) => groupPhase(i)));
    expect(phases.size).toBe(MAX_GROUPS);
    for (const phase of phases) expect(phase).toBeGreaterThan(0);
  });
});

describe('ViewerGroups', () => {
  it('keeps a small room in one group: every member gets the same batch at the same time', () => {
    vi.useFakeTimers();
    try {
      const groups = new ViewerGroups(100);
      const members = Array.from({ length: 3 }, () => member(() => Date.now()));
      members.forEach((m, i) => groups.add(m, i + 1));
      const start = Date.now();
      for (const frame of ['1', '2', '3']) groups.push(frame);
      vi.advanceTimersByTime(100);
      for (const m of members) {
        expect(m.got.map((g) => [g.atMs - start, g.frames])).toEqual([
          [0, ['1']],
          [100, ['2', '3']],
        ]);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('splits a big room into groups whose windows end out of step, each member still once per window', () => {
    vi.useFakeTimers();
    try {
      const groups = new ViewerGroups(100);
      const count = MEMBERS_PER_GROUP * 4;
      const members = Array.from({ length: count }, () => member(() => Date.now()));
      members.forEach((m, i) => groups.add(m, i + 1));
      const start = Date.now();
      for (let t = 0; t < 1000; t += 10) {
        groups.push(`f${t}`);
        vi.advanceTimersByTime(10);
      }
      vi.advanceTimersByTime(100);
      const deliveryTimes = new Set(members.flatMap((m) => m.got.slice(1).map((g) => (g.atMs - start) % 100)));
      expect([...deliveryTimes].sort((a, b) => a - b)).toEqual([0, 25, 50, 75]);
      for (const m of members) {
        expect(m.got.flatMap((g) => g.frames)).toEqual(Array.from({ length: 100 }, (_, i) => `f${i * 10}`));
        expect(m.got.length).toBeLessThanOrEqual(12);
      }
      const perGroup = new Map<number, number>();
      for (const m of members) {
        const phase = (m.got[1]!.atMs - start) % 100;
        perGroup.set(phase, (perGroup.get(phase) ?? 0) + 1);
      }
      expect([...perGroup.values()]).toEqual([
        MEMBERS_PER_GROUP,
        MEMBERS_PER_GROUP,
        MEMBERS_PER_GROUP,
        MEMBERS_PER_GROUP,
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts a new member in the smallest group and counts merges in the first group only', () => {
    const counted: boolean[] = [];
    const filterFor = (isCounted: boolean): WindowFilter => {
      counted.push(isCounted);
      return (frames) => ({ frames });
    };
    const groups = new ViewerGroups(50, filterFor);
    const members = Array.from({ length: MEMBERS_PER_GROUP * 2 }, () => member(() => 0));
    members.forEach((m, i) => groups.add(m, i + 1));
    expect(counted).toEqual([true, false]);
    for (const m of members.slice(0, 10)) groups.remove(m);
    const late = member(() => 0);
    groups.add(late, members.length - 9);
    groups.push('x');
    expect(late.got).toHaveLength(1);
    expect(counted).toHaveLength(2);
  });

  it('never groups without batching', () => {
    const counted: boolean[] = [];
    const groups = new ViewerGroups(0, (isCounted) => {
      counted.push(isCounted);
      return (frames) => ({ frames });
    });
    for (let i = 1; i <= MEMBERS_PER_GROUP * 3; i++)
      groups.add(
        member(() => 0),
        i,
      );
    expect(counted).toEqual([true]);
  });
});
