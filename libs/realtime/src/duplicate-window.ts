import type { Clock } from './token-bucket.js';

/**
 * The form in which two posts' texts are compared for duplicates: Unicode NFKC, lower case (as blocked terms
 * compare), trimmed, every run of white space one space.
 */
export function normalizePostText(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ');
}

interface Seen {
  /** When the text was posted, ms of the clock. */
  readonly atMs: number;
  /** The post's idempotency key, when it had one: a resend under it is the same post, not a duplicate. */
  readonly key: string | undefined;
}

/**
 * The texts each user posted within the last `windowMs` ({@link normalizePostText}d): the same text again inside the
 * window is a duplicate. Entries older than the window are dropped by {@link sweep}, so memory holds only what was
 * posted within it.
 */
export class DuplicateWindow {
  private readonly seen = new Map<string, Seen>();

  /**
   * @param windowMs how long a text counts as just posted, ms (> 0)
   * @param now clock, ms; tests inject a fake one
   */
  constructor(
    private readonly windowMs: number,
    private readonly now: Clock,
  ) {}

  /** Texts remembered. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * How long until `userId` may post `text` again, ms; 0 when it is no duplicate. A post with the same idempotency
   * `key` as the remembered one is its resend, no duplicate.
   */
  waitMs(userId: string, text: string, key?: string): number {
    const seen = this.seen.get(entryKey(userId, text));
    if (seen === undefined || (key !== undefined && seen.key === key)) return 0;
    return Math.max(0, Math.ceil(seen.atMs + this.windowMs - this.now()));
  }

  /** True when `userId` posted `text` under the same idempotency `key` within the window: this is its resend. */
  isResend(userId: string, text: string, key: string): boolean {
    const seen = this.seen.get(entryKey(userId, text));
    return seen !== undefined && seen.key === key && seen.atMs + this.windowMs > this.now();
  }

  /** Remembers that `userId` posted `text` now. */
  record(userId: string, text: string, key?: string): void {
    const entry = entryKey(userId, text);
    this.seen.delete(entry);
    this.seen.set(entry, { atMs: this.now(), key });
  }

  /** Forgets `userId`'s `text` (its post was not stored after all, so posting it again is no duplicate). */
  forget(userId: string, text: string): void {
    this.seen.delete(entryKey(userId, text));
  }

  /** Drops the texts posted longer than the window ago. */
  sweep(): void {
    const oldest = this.now() - this.windowMs;
    // Insertion order is posting order (record re-inserts), so the old entries come first.
    for (const [entry, seen] of this.seen) {
      if (seen.atMs > oldest) return;
      this.seen.delete(entry);
    }
  }
}

/** The map key of a user's text: JSON of both, so no user id and text pair can collide with another. */
function entryKey(userId: string, text: string): string {
  return JSON.stringify([userId, normalizePostText(text)]);
}
