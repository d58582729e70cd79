import type { WindowFilter } from './room-batch.js';

/** The `text` of a frame of `type`, or undefined for another frame (an event, another kind, not JSON). */
function textOf(frame: string, type: string): string | undefined {
  try {
    const parsed = JSON.parse(frame) as { type?: unknown; text?: unknown };
    return parsed.type === type && typeof parsed.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A {@link WindowFilter} that merges the messages of `type` in one batch window whose text is identical, as Bilibili
 * merges repeated danmaku: the first keeps its place (its seq, sender and style) and gets `"count":n`, the n − 1
 * later ones go. Other frames (moderation events, other types) pass unchanged and in order.
 * @param onMerged told how many frames a window merged away (at least 1).
 */
export function mergeIdentical(type: string, onMerged: (merged: number) => void): WindowFilter {
  return (frames) => {
    const firstByText = new Map<string, number>();
    const kept: string[] = [];
    const counts: number[] = [];
    for (const frame of frames) {
      const text = textOf(frame, type);
      const first = text === undefined ? undefined : firstByText.get(text);
      if (first !== undefined) {
        counts[first]!++;
        continue;
      }
      if (text !== undefined) firstByText.set(text, kept.length);
      kept.push(frame);
      counts.push(1);
    }
    if (kept.length === frames.length) return frames;
    onMerged(frames.length - kept.length);
    return kept.map((frame, i) => (counts[i]! > 1 ? `${frame.slice(0, -1)},"count":${counts[i]}}` : frame));
  };
}
