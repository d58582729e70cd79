/**
 * Allows at most `maxRestarts` restarts within any `windowMs` (a sliding window), so a publish whose ffmpeg
 * keeps failing ends instead of looping.
 */
export class RestartBudget {
  private readonly times: number[] = [];

  /**
   * @param maxRestarts restarts allowed per window.
   * @param windowMs window length, ms.
   * @param now clock, unix epoch ms.
   */
  constructor(
    readonly maxRestarts: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a restart if the budget allows one. @returns false when the budget is spent. */
  take(): boolean {
    const t = this.now();
    while (this.times.length > 0 && (this.times[0] as number) <= t - this.windowMs) this.times.shift();
    if (this.times.length >= this.maxRestarts) return false;
    this.times.push(t);
    return true;
  }
}
