import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  it.each([
    { name: 'allows up to the limit within the window', times: [0, 1000, 2000, 3000], want: [true, true, true, false] },
    {
      name: 'frees a restart once it leaves the window',
      times: [0, 1000, 2000, 60_000, 60_500],
      want: [true, true, true, true, false],
    },
    {
      name: 'allows restarts spread wider than the window',
      times: [0, 30_000, 60_000, 90_000, 120_000],
      want: [true, true, true, true, true],
    },
  ])('$name', ({ times, want }) => {
    let now = 0;
    const budget = new RestartBudget(3, 60_000, () => now);
    expect(
      times.map((t) => {
        now = t;
        return budget.take();
      }),
    ).toEqual(want);
  });
});
