import type { FilteredWindow, WindowFilter } from './room-batch.js';

/** Options of {@link overloadFilter}. */
export interface OverloadOptions {
  /** Type of the messages merged and sampled, e.g. "danmaku"; other frames (events) always pass. */
  readonly type: string;
  /**
   * The room's overload control in force, read at every window (a moderator may change it at any time): `merge`,
   * whether messages of one window with identical text go out once with `"count":n`; `densityPerSec`, messages per
   * second a viewer's screen is given at most (0: no sampling; badged messages are not counted).
   */
  settings(): { readonly merge: boolean; readonly densityPerSec: number };
  /** Length of a batch window, ms. */
  readonly windowMs: number;
  /** Told how many messages a window merged away. */
  onMerged(merged: number): void;
  /** Told how many messages a window sampled away. */
  onSampled(sampled: number): void;
}

interface Parsed {
  frame: string;
  /** Set for a message of the type: its text, sender and badge. */
  message?: { text: string; userId: string; badge: boolean };
  count: number;
}

function parse(frame: string, type: string): Parsed {
  try {
    const m = JSON.parse(frame) as { type?: unknown; text?: unknown; userId?: unknown; badge?: unknown };
    if (m.type === type && typeof m.text === 'string' && typeof m.userId === 'string')
      return { frame, message: { text: m.text, userId: m.userId, badge: m.badge !== undefined }, count: 1 };
  } catch {
    // Not JSON: passed on as it is.
  }
  return { frame, count: 1 };
}

/**
 * Merges identical texts: the first keeps its place and counts the later ones, which go. Only the text decides, as
 * Bilibili merges repeated danmaku by text: the merged message keeps the first one's other fields (a danmaku's mode,
 * colour and size, its sender and seq), whatever the later ones said.
 */
function mergeRepeats(parsed: Parsed[]): Parsed[] {
  const firstByText = new Map<string, Parsed>();
  return parsed.filter((p) => {
    if (p.message === undefined) return true;
    const first = firstByText.get(p.message.text);
    if (first === undefined) {
      firstByText.set(p.message.text, p);
      return true;
    }
    first.count++;
    return false;
  });
}

/**
 * The overload control of one room's batch windows (a {@link WindowFilter}; make one per room, it keeps the room's
 * sampling credit; the room's settings are read at each window): identical texts merge (Bilibili merges repeated
 * danmaku; by text alone, the first's look kept, see mergeRepeats), then, above `densityPerSec`, the plain messages
 * are sampled evenly down to what a screen can show, carrying unused allowance over at most one window.
 * Badged messages (moderators', the broadcaster's, see RoomMessage.badge) and events always pass; a message sampled
 * away is set aside for its sender, whose own viewers still get it (see FrameBatch.setAside). Order is kept.
 */
export function overloadFilter(options: OverloadOptions): WindowFilter {
  let credit = 0;
  return (frames): FilteredWindow => {
    const { merge, densityPerSec } = options.settings();
    const allowance = (densityPerSec * options.windowMs) / 1000;
    let parsed = frames.map((frame) => parse(frame, options.type));
    if (merge) {
      const merged = mergeRepeats(parsed);
      if (merged.length < parsed.length) options.onMerged(parsed.length - merged.length);
      parsed = merged;
    }
    const setAside = new Map<string, string[]>();
    if (densityPerSec > 0) {
      credit = Math.min(credit + allowance, allowance + 1);
      const plain = parsed.filter((p) => p.message !== undefined && !p.message.badge);
      const room = Math.floor(credit);
      if (plain.length > room) {
        const keep = new Set(Array.from({ length: room }, (_, i) => plain[Math.floor((i * plain.length) / room)]));
        const away = plain.filter((p) => !keep.has(p));
        for (const p of away) {
          const own = setAside.get(p.message!.userId) ?? [];
          own.push(withCount(p));
          setAside.set(p.message!.userId, own);
        }
        options.onSampled(away.length);
        const gone = new Set(away);
        parsed = parsed.filter((p) => !gone.has(p));
      }
      credit -= Math.min(room, plain.length);
    }
    return { frames: parsed.map(withCount), setAside };
  };
}

/** The frame with `"count":n` added when n > 1. */
function withCount(p: Parsed): string {
  return p.count > 1 ? `${p.frame.slice(0, -1)},"count":${p.count}}` : p.frame;
}
