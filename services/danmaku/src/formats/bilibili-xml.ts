import { crc32 } from 'node:zlib';
import { colorToDecimal } from './color.js';
import { streamTimeS, type ReplayItem } from './replay-item.js';
import { escapeXml } from './xml-text.js';
import type { DanmakuMode, DanmakuSize } from '../danmaku/danmaku-kind.js';

/** Bilibili XML `p[1]` of a danmaku mode: 1 scroll, 4 bottom, 5 top, 6 reverse (danmaku-formats.md §3.2, §3.6). */
export const BILIBILI_MODE: Readonly<Record<DanmakuMode, number>> = { scroll: 1, bottom: 4, top: 5, reverse: 6 };

/** Bilibili XML `p[2]` font size of a danmaku size: 18, 25, 36 (danmaku-formats.md §3.2). */
export const BILIBILI_SIZE: Readonly<Record<DanmakuSize, number>> = { small: 18, normal: 25, large: 36 };

/** User id prefix of imported danmaku: `bilibili:<p[6] sender hash>`. */
export const IMPORTED_USER_PREFIX = 'bilibili:';

/**
 * Danmaku mode of a Bilibili `p[1]`: 1, 2 and 3 scroll, 4 bottom, 5 top, 6 reverse; undefined for 7 (positioned),
 * 8 (code), 9 (BAS) and unknown modes, which the import skips (danmaku-formats.md §3.2 import rule).
 */
export function modeFromBilibili(mode: number): DanmakuMode | undefined {
  if (mode === 1 || mode === 2 || mode === 3) return 'scroll';
  if (mode === 4) return 'bottom';
  if (mode === 5) return 'top';
  if (mode === 6) return 'reverse';
  return undefined;
}

/** Danmaku size of a Bilibili font size, px: up to 21 small, up to 30 normal, larger large (12/16 → small, 45/64 → large). */
export function sizeFromBilibili(fontSize: number): DanmakuSize {
  if (fontSize <= 21) return 'small';
  return fontSize <= 30 ? 'normal' : 'large';
}

/**
 * The `p[6]` sender hash of a user id: 8 lower-case hex digits of its CRC-32, like Bilibili's hash of the sender's
 * mid (lets a tool block a sender without naming it). A user id imported from this format keeps its hash.
 */
export function userHash(userId: string): string {
  if (userId.startsWith(IMPORTED_USER_PREFIX)) return userId.slice(IMPORTED_USER_PREFIX.length);
  return crc32(userId).toString(16).padStart(8, '0');
}

/** Row id of an item imported from this format: `id` `bilibili:<p[7]>` (see importBilibiliXml). */
const IMPORTED_ID = /^bilibili:(\d{1,20})$/;

/**
 * The `p[7]` row id of an item: the row id it was imported with, else its `seq` (its JetStream sequence), so an
 * export of imported danmaku gives their rows' ids back.
 */
export function rowId(item: ReplayItem): string {
  return IMPORTED_ID.exec(item.id)?.[1] ?? String(item.seq);
}

/** The `p` attribute `time,mode,size,color,unixtime,pool,userhash,id` of one item; pool is 0 (normal). */
function pAttribute(item: ReplayItem): string {
  return [
    streamTimeS(item).toFixed(5),
    BILIBILI_MODE[item.mode],
    BILIBILI_SIZE[item.size],
    colorToDecimal(item.color),
    Math.floor(item.sentAtMs / 1000),
    0,
    userHash(item.userId),
    rowId(item),
  ].join(',');
}

/**
 * Bilibili danmaku XML of replay items (danmaku-formats.md §3.2): `<i>` with the pool header and one
 * `<d p="time,mode,size,color,unixtime,pool,userhash,id">text</d>` per item in the order given, where time is the
 * stream time in seconds (5 decimals, so ms survive), mode and size as {@link BILIBILI_MODE} and
 * {@link BILIBILI_SIZE}, color decimal RGB888, unixtime the post's wall clock in seconds, id the JetStream sequence (an imported danmaku's: the
 * row id it was imported with, see {@link rowId}).
 * Text is XML-escaped (`& < > " '`) with the characters XML 1.0 forbids removed.
 * @param chatId what `<chatid>` names, e.g. `<room>.<publishId>`
 */
export function bilibiliXml(items: readonly ReplayItem[], chatId: string): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<i>',
    '<chatserver>onair</chatserver>',
    `<chatid>${escapeXml(chatId)}</chatid>`,
    '<mission>0</mission>',
    `<maxlimit>${items.length}</maxlimit>`,
    '<state>0</state>',
    '<real_name>0</real_name>',
    '<source>k-v</source>',
    ...items.map((item) => `<d p="${escapeXml(pAttribute(item))}">${escapeXml(item.text)}</d>`),
    '</i>',
  ];
  return `${lines.join('\n')}\n`;
}
