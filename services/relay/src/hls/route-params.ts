import { ROOM_ID_PATTERN } from '@onair/contracts';

/** Rendition name in a URL: lowercase letters, digits, underscores and dashes, 1 to 32 characters. */
const RENDITION = /^[a-z0-9_-]{1,32}$/;
/** Digits only, short enough to stay an exact integer. */
const NUMBER = '(\\d{1,15})';
/** An init segment's id: 16 lowercase hex digits (the start of its SHA-256). */
const INIT_FILE = /^init-([0-9a-f]{16})\.mp4$/;
const SEGMENT_FILE = new RegExp(`^seg-${NUMBER}\\.m4s$`);
const PART_FILE = new RegExp(`^part-${NUMBER}\\.m4s$`);

/** A file under `/hls/<room>/<rendition>/`. */
export type RenditionFile =
  | { readonly kind: 'playlist' }
  | { readonly kind: 'init'; readonly id: string }
  | { readonly kind: 'segment'; readonly sequence: number }
  | { readonly kind: 'part'; readonly partSequence: number };

/** The room slug when `value` is one, else undefined. */
export function parseRoom(value: string): string | undefined {
  return ROOM_ID_PATTERN.test(value) ? value : undefined;
}

/** The rendition name when `value` is one, else undefined. */
export function parseRendition(value: string): string | undefined {
  return RENDITION.test(value) ? value : undefined;
}

/**
 * Parses the last path segment under a rendition: `index.m3u8`, `init-<16 hex digits>.mp4`, `seg-<sequence>.m4s` or
 * `part-<part sequence>.m4s`. Anything else (other names, signs, spaces, dots, slashes, upper-case hex, numbers past 15
 * digits) is undefined, so no request can name anything but an in-memory object.
 */
export function parseRenditionFile(value: string): RenditionFile | undefined {
  if (value === 'index.m3u8') return { kind: 'playlist' };
  const init = INIT_FILE.exec(value);
  if (init?.[1] !== undefined) return { kind: 'init', id: init[1] };
  const seg = SEGMENT_FILE.exec(value);
  if (seg?.[1] !== undefined) return { kind: 'segment', sequence: Number(seg[1]) };
  const part = PART_FILE.exec(value);
  if (part?.[1] !== undefined) return { kind: 'part', partSequence: Number(part[1]) };
  return undefined;
}
