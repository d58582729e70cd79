/** Longest delay setTimeout takes, ms (a signed 32-bit integer); a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Calls `onExpired` once a deadline (unix epoch ms) has passed; setting a new deadline replaces the old one.
 * Deadlines beyond setTimeout's range (about 24.8 days) are reached in steps.
 */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onExpired: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Arms the timer for `deadlineMs`, unix epoch ms, replacing any earlier deadline. */
  set(deadlineMs: number): void {
    this.clear();
    const left = deadlineMs - this.now();
    if (left <= 0) {
      this.onExpired();
      return;
    }
    this.timer = setTimeout(() => this.set(deadlineMs), Math.min(left, MAX_TIMEOUT_MS));
    this.timer.unref();
  }

  /** Disarms the timer. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
