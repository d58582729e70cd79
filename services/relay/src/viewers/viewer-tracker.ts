import { createHash } from 'node:crypto';

/** Options of {@link ViewerTracker}. */
export interface ViewerTrackerOptions {
  /** A viewer counts while its last request is at most this old, ms. @default 30000 */
  windowMs?: number;
  /** Clock, unix epoch ms; tests pass their own. */
  now?: () => number;
}

/**
 * Counts distinct HLS viewers per room: a viewer is a (client IP, User-Agent) pair, kept only as a hash,
 * that fetched a playlist or segment of the room within the last `windowMs`.
 */
export class ViewerTracker {
  private readonly rooms = new Map<string, Map<string, number>>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private lastSweepMs = 0;

  constructor({ windowMs = 30_000, now = Date.now }: ViewerTrackerOptions = {}) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** Records a request of `room` by the client at `ip` with `userAgent` (may be empty). */
  record(room: string, ip: string, userAgent: string): void {
    this.recordKey(room, viewerKey(ip, userAgent));
  }

  /** Records a request of `room` by the viewer {@link viewerKey} names (for callers that keep the key per connection). */
  recordKey(room: string, key: string): void {
    const now = this.now();
    let viewers = this.rooms.get(room);
    if (!viewers) {
      viewers = new Map();
      this.rooms.set(room, viewers);
    }
    viewers.set(key, now);
    if (now - this.lastSweepMs >= 1000) this.sweep(now);
  }

  /** Distinct viewers of `room` seen within the window. */
  count(room: string): number {
    this.sweep(this.now());
    return this.rooms.get(room)?.size ?? 0;
  }

  /** Distinct viewers per room with at least one viewer. */
  counts(): Map<string, number> {
    this.sweep(this.now());
    return new Map([...this.rooms].map(([room, viewers]) => [room, viewers.size]));
  }

  /** Forgets viewers older than the window, and rooms left without any, so memory stays bounded. */
  private sweep(now: number): void {
    this.lastSweepMs = now;
    for (const [room, viewers] of this.rooms) {
      for (const [key, seenMs] of viewers) if (now - seenMs > this.windowMs) viewers.delete(key);
      if (viewers.size === 0) this.rooms.delete(room);
    }
  }
}

/** A viewer's key: the SHA-256 (base64url) of its client IP and User-Agent, so neither is kept in clear. */
export function viewerKey(ip: string, userAgent: string): string {
  return createHash('sha256').update(ip).update('\n').update(userAgent).digest('base64url');
}
