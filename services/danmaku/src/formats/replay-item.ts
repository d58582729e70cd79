import type { Danmaku } from '../danmaku/danmaku-kind.js';

/**
 * One danmaku as a replay hands it to the format converters: the delivered danmaku frame (protocol v1, see
 * {@link Danmaku}) without its transport fields (`v`, `type`, `room`, `badge`), read back from JetStream.
 *
 * - `id`: the frame's id (UUID v4).
 * - `text`: the posted text (trimmed, no control characters).
 * - `mode`: `scroll` (right to left), `top`, `bottom` or `reverse` (left to right).
 * - `color`: `#rrggbb`, lower case.
 * - `size`: `small` (Bilibili 18), `normal` (25) or `large` (36).
 * - `name`, `userId`: the poster's display name and user id.
 * - `sentAtMs`: server wall clock when the post was accepted, unix epoch ms.
 * - `streamTimeMs`: where on the publish's media timeline the poster saw it, ms since the publish started (≥ 0;
 *   converters clamp a negative value, which the frame uses for "not live", to 0).
 * - `seq`: the JetStream sequence of the stored danmaku (unique within the DANMAKU stream).
 */
export type ReplayItem = Pick<
  Danmaku,
  'id' | 'text' | 'mode' | 'color' | 'size' | 'name' | 'userId' | 'sentAtMs' | 'streamTimeMs'
> & { readonly seq: number };

/** The item's stream time in seconds (≥ 0), the time unit of DPlayer, ArtPlayer and Bilibili XML. */
export function streamTimeS(item: ReplayItem): number {
  return Math.max(0, item.streamTimeMs) / 1000;
}
