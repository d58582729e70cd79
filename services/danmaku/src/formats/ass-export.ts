import { LaneAllocator } from './ass-lanes.js';
import type { ReplayItem } from './replay-item.js';
import type { DanmakuSize } from '../danmaku/danmaku-kind.js';

/** How the ASS script is laid out. */
export interface AssOptions {
  /** PlayResX, px. @default 1920 */
  readonly widthPx?: number;
  /** PlayResY, px. @default 1080 */
  readonly heightPx?: number;
  /** Font family (libass resolves it through fontconfig). @default 'sans-serif' */
  readonly fontName?: string;
  /** How long a scrolling danmaku takes to cross the screen, ms. @default 8000 */
  readonly scrollMs?: number;
  /** How long a top or bottom danmaku stays, ms. @default 4000 */
  readonly fixedMs?: number;
}

/** The script and how many danmaku found no free lane. */
export interface AssExport {
  readonly ass: string;
  /** Danmaku left out because every lane was taken at their time (never drawn over another). */
  readonly dropped: number;
}

/** Bilibili font sizes (danmaku-formats.md §3.2), drawn for a 540 px high player; scaled to PlayResY. */
const BILIBILI_PX: Readonly<Record<DanmakuSize, number>> = { small: 18, normal: 25, large: 36 };

/** `H:MM:SS.cc`, the ASS time format (centiseconds). */
export function assTime(ms: number): string {
  const cs = Math.floor(Math.max(0, ms) / 10);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
}

/**
 * Danmaku text as ASS dialogue text (libass `ass_render.c` rules): control characters become a space; every `\`
 * is followed by U+2060 WORD JOINER (invisible) so that no `\N`, `\n`, `\h` or override tag can form; `{` and `}`
 * become `\{` and `\}`, which libass draws as the braces themselves rather than opening an override block.
 */
export function escapeAss(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\\/g, '\\\u2060')
    .replace(/[{}]/g, (brace) => `\\${brace}`);
}

/** `#rrggbb` → ASS colour `&HBBGGRR&`. */
export function assColor(color: string): string {
  const [r, g, b] = [color.slice(1, 3), color.slice(3, 5), color.slice(5, 7)];
  return `&H${b}${g}${r}&`.toUpperCase();
}

/** True when the colour is so dark that a black outline would hide it (relative luminance < 0.2). */
function isDark(color: string): boolean {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(color.slice(at, at + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.2;
}

/** Estimated width of a line, px: East Asian wide characters and emoji one em, others 0.55 em. */
function widthPx(text: string, fontPx: number): number {
  let ems = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    ems += (code >= 0x1100 && code <= 0x115f) || code >= 0x2e80 ? 1 : 0.55;
  }
  return Math.ceil(ems * fontPx - 1e-9);
}

function header(width: number, height: number, fontName: string, normalPx: number): string[] {
  const font = fontName.replace(/[,\r\n]/g, ' ');
  return [
    '[Script Info]',
    '; Danmaku replay exported by Onair',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 2',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, ' +
      'Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, ' +
      'MarginR, MarginV, Encoding',
    `Style: Danmaku,${font},${normalPx},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,2,0,7,0,0,0,1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
}

/**
 * An ASS (Advanced SubStation Alpha v4+) subtitle script of replay items, for burning into a download with
 * ffmpeg's `subtitles` filter (libass): `[Script Info]`, one `[V4+ Styles]` style and one `Dialogue` per danmaku at
 * its stream time. Scroll danmaku move right to left with `\move` (reverse left to right), top ones are centred
 * with `\an8`, bottom ones with `\an2`, each in lanes ({@link LaneAllocator}) so that none overlaps another; a
 * danmaku with no free lane is dropped and counted. Font sizes are Bilibili's 18/25/36 px scaled from a 540 px
 * high player to PlayResY; colour is `\c&HBBGGRR&`, with a white outline for dark colours. Text is escaped by
 * {@link escapeAss}; the poster's name is not written.
 */
export function assExport(items: readonly ReplayItem[], options: AssOptions = {}): AssExport {
  const { widthPx: width = 1920, heightPx: height = 1080, fontName = 'sans-serif' } = options;
  const { scrollMs = 8000, fixedMs = 4000 } = options;
  const fontPx = (size: DanmakuSize): number => Math.round((BILIBILI_PX[size] * height) / 540);
  const laneHeight = Math.ceil(fontPx('normal') * 1.2);
  const lanes = new LaneAllocator(Math.floor(height / laneHeight), width);
  const sorted = [...items].sort((a, b) => a.streamTimeMs - b.streamTimeMs);
  const events: string[] = [];
  let dropped = 0;
  for (const item of sorted) {
    const startMs = Math.max(0, item.streamTimeMs);
    const px = fontPx(item.size);
    const span = Math.max(1, Math.ceil((px * 1.2) / laneHeight));
    const textWidth = widthPx(item.text, px);
    const moving = item.mode === 'scroll' || item.mode === 'reverse';
    const durationMs = moving ? scrollMs : fixedMs;
    const motion = moving ? item.mode : 'fixed';
    const lane = lanes.place({ motion, startMs, durationMs, widthPx: textWidth, lanes: span }, item.mode === 'bottom');
    if (lane < 0) {
      dropped++;
      continue;
    }
    const top = lane * laneHeight;
    const position =
      item.mode === 'scroll'
        ? `\\an7\\move(${width},${top},${-textWidth},${top})`
        : item.mode === 'reverse'
          ? `\\an7\\move(${-textWidth},${top},${width},${top})`
          : item.mode === 'top'
            ? `\\an8\\pos(${width / 2},${top})`
            : `\\an2\\pos(${width / 2},${top + span * laneHeight})`;
    const outline = isDark(item.color) ? '\\3c&HFFFFFF&' : '';
    const tags = `{${position}\\fs${px}\\c${assColor(item.color)}${outline}}`;
    events.push(
      `Dialogue: 0,${assTime(startMs)},${assTime(startMs + durationMs)},Danmaku,,0,0,0,,${tags}${escapeAss(item.text)}`,
    );
  }
  return { ass: `${[...header(width, height, fontName, fontPx('normal')), ...events].join('\n')}\n`, dropped };
}
