/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long, ms. @default 15000 */
  timeoutMs?: number;
  /** Pause between tries, ms. @default 200 */
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * Calls `probe` until it returns a value other than undefined/false, and resolves to that value.
 * A throwing probe counts as not yet. @throws Error after `timeoutMs`, with the last probe error as cause.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 200, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
