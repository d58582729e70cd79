import { streamTimeS, type ReplayItem } from './replay-item.js';
import type { DanmakuMode } from '../danmaku/danmaku-kind.js';

/** ArtPlayer danmuku mode: 0 scroll, 1 top, 2 bottom (artplayer-plugin-danmuku types; danmaku-formats.md §3.5). */
export type ArtplayerMode = 0 | 1 | 2;

/** ArtPlayer mode of a danmaku mode; the plugin has no left-to-right scroll, so `reverse` scrolls (0). */
export const ARTPLAYER_MODE: Readonly<Record<DanmakuMode, ArtplayerMode>> = {
  scroll: 0,
  top: 1,
  bottom: 2,
  reverse: 0,
};

/** One item of artplayer-plugin-danmuku's `danmuku` array (its `Danmu` type). */
export interface ArtplayerDanmu {
  readonly text: string;
  /** Stream time, seconds. */
  readonly time: number;
  readonly mode: ArtplayerMode;
  /** `#rrggbb`. */
  readonly color: string;
  /** Drawn with a border: the viewer's own danmaku. */
  readonly border: boolean;
}

/**
 * The artplayer-plugin-danmuku item list `[{text, time, mode, color, border}, …]` for replay items, in the order given
 * (danmaku-formats.md §3.5). The text is passed unescaped, as the plugin's own Bilibili XML loader passes it.
 * @param viewerId user id of the viewer asking: its own danmaku get `border: true`; absent: none
 */
export function artplayerItems(items: readonly ReplayItem[], viewerId?: string): ArtplayerDanmu[] {
  return items.map((item) => ({
    text: item.text,
    time: streamTimeS(item),
    mode: ARTPLAYER_MODE[item.mode],
    color: item.color,
    border: viewerId !== undefined && item.userId === viewerId,
  }));
}
