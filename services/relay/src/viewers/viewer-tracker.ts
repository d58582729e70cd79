import { createHash } from 'node:crypto';

/** Options of {@link ViewerTracker}. */
export interface ViewerTrackerOptions {
  /** A viewer counts while its last request is at most this old, ms. @default 30000 */
  windowMs?: number;
  /** Clock, unix epoch ms; tests pass their own. */
  now?: () => number;
}

/** What the tracker keeps of one viewer: when it was last seen and which rendition it last fetched. */
interface Seen {
  atMs: number;
  /** The rendition of its latest rendition request; undefined while it has fetched only the master playlist. */
  rendition: string | undefined;
}

/**
 * Counts distinct HLS viewers per room: a viewer is a (client IP, User-Agent) pair, kept only as a hash,
 * that fetched a playlist or segment of the room within the last `windowMs`. Each viewer also counts for the
 * rendition of its latest media playlist, segment or part request, so an ABR player that switches moves with it.
 */
export class ViewerTracker {
  private readonly rooms = new Map<string, Map<string, Seen>>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private lastSweepMs = 0;

  constructor({ windowMs = 30_000, now = Date.now }: ViewerTrackerOptions = {}) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** Records a request of `room` (of `rendition`, unless it is the master playlist) by the client at `ip`. */
  record(room: string, ip: string, userAgent: string, rendition?: string): void {
    this.recordKey(room, viewerKey(ip, userAgent), rendition);
  }

  /**
   * Records a request of `room` by the viewer {@link viewerKey} names (for callers that keep the key per connection);
   * `rendition` undefined (a master playlist request) keeps the viewer's rendition as it was.
   */
  recordKey(room: string, key: string, rendition?: string): void {
    const now = this.now();
    let viewers = this.rooms.get(room);
    if (!viewers) {
      viewers = new Map();
      this.rooms.set(room, viewers);
    }
    const seen = viewers.get(key);
    if (seen) {
      seen.atMs = now;
      if (rendition !== undefined) seen.rendition = rendition;
    } else viewers.set(key, { atMs: now, rendition });
    if (now - this.lastSweepMs >= 1000) this.sweep(now);
  }

  /** Distinct viewers of `room` seen within the window. */
  count(room: string): number {
    this.sweep(this.now());
    return this.rooms.get(room)?.size ?? 0;
  }

  /** Viewers of `room` seen within the window, by the rendition of their latest rendition request. */
  countByRendition(room: string): Map<string, number> {
    this.sweep(this.now());
    const counts = new Map<string, number>();
    for (const { rendition } of this.rooms.get(room)?.values() ?? [])
      if (rendition !== undefined) counts.set(rendition, (counts.get(rendition) ?? 0) + 1);
    return counts;
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
      for (const [key, seen] of viewers) if (now - seen.atMs > this.windowMs) viewers.delete(key);
      if (viewers.size === 0) this.rooms.delete(room);
    }
  }
}

/** A viewer's key: the SHA-256 (base64url) of its client IP and User-Agent, so neither is kept in clear. */
export function viewerKey(ip: string, userAgent: string): string {
  return createHash('sha256').update(ip).update('\n').update(userAgent).digest('base64url');
}
