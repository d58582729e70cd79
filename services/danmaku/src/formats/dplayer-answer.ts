import { colorToDecimal } from './color.js';
import { escapeHtml } from './html-escape.js';
import { streamTimeS, type ReplayItem } from './replay-item.js';
import type { DanmakuMode } from '../danmaku/danmaku-kind.js';

/** DPlayer v3 danmaku type: 0 right (scroll), 1 top, 2 bottom (danmaku-formats.md §3.4, §3.6). */
export type DplayerType = 0 | 1 | 2;

/**
 * DPlayer type of a danmaku mode. DPlayer has no left-to-right scroll, so `reverse` is drawn as a plain scroll (0),
 * as DPlayer-node's Bilibili import does with mode 6 (`mode 4 → 2, 5 → 1, else 0`).
 */
export const DPLAYER_TYPE: Readonly<Record<DanmakuMode, DplayerType>> = { scroll: 0, top: 1, bottom: 2, reverse: 0 };

/** One DPlayer v3 danmaku: `[time (s), type, color (decimal RGB888), author, text]`. */
export type DplayerDanmaku = readonly [number, DplayerType, number, string, string];

/** The answer of DPlayer v3's read API, `GET {api}v3/?id=<id>`. */
export interface DplayerAnswer {
  readonly code: 0;
  readonly data: readonly DplayerDanmaku[];
}

/**
 * The DPlayer v3 read answer `{"code":0,"data":[[timeS,type,color,author,text],…]}` for replay items, in the order
 * given (DPlayer sorts by time itself). Time is the stream time in seconds (ms precision), author the poster's
 * display name; author and text are HTML-escaped as DPlayer-node does, since DPlayer draws the text with
 * `innerHTML` (DPlayer src/js/danmaku.js; DPlayer-node routes/get.js; danmaku-formats.md §3.4).
 */
export function dplayerAnswer(items: readonly ReplayItem[]): DplayerAnswer {
  return {
    code: 0,
    data: items.map((item) => [
      streamTimeS(item),
      DPLAYER_TYPE[item.mode],
      colorToDecimal(item.color),
      escapeHtml(item.name),
      escapeHtml(item.text),
    ]),
  };
}
