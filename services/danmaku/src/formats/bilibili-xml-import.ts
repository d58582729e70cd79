import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OnairError } from '@onair/runtime';
import { decimalToColor } from './color.js';
import { IMPORTED_USER_PREFIX, modeFromBilibili, sizeFromBilibili } from './bilibili-xml.js';
import type { ReplayItem } from './replay-item.js';
import { stripXmlForbidden } from './xml-text.js';

/** Bounds of one import. */
export interface BilibiliImportLimits {
  /** Largest document, bytes (UTF-8). @default 16 MiB */
  readonly maxBytes?: number;
  /** Most `<d>` elements. @default 100000 */
  readonly maxItems?: number;
  /** Longest text once cleaned, Unicode code points; a longer `<d>` is skipped. @default no bound */
  readonly maxTextChars?: number;
}

/** What an import read: the danmaku it understood, and how many `<d>` it skipped. */
export interface BilibiliImport {
  readonly items: ReplayItem[];
  /**
   * `<d>` elements left out: malformed ones (no `p`, fewer than 8 fields, a field out of its range), modes 7–9
   * (positioned, code, BAS) or unknown, a text empty once cleaned or longer than `maxTextChars`.
   */
  readonly skipped: number;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  // numeric character references (&#13;, &#x1F600;) are decoded only with this on
  htmlEntities: true,
  isArray: (name) => name === 'd',
});

interface ParsedD {
  readonly p?: unknown;
  readonly '#text'?: unknown;
}

function invalid(message: string, field = 'xml'): OnairError {
  return new OnairError('INVALID_ARGUMENT', message, { field });
}

/** A non-negative integer field of `p`, or undefined. */
function integerField(fields: readonly string[], index: number): number | undefined {
  const text = fields[index] ?? '';
  return /^\d{1,16}$/.test(text) ? Number(text) : undefined;
}

/**
 * The text of a `<d>`: characters XML 1.0 forbids removed, each run of control characters (Unicode Cc, line
 * breaks included) made one space, trimmed, as a danmaku post's text would be.
 */
function cleanText(text: string): string {
  return stripXmlForbidden(text)
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
}

/** One `<d>` as a replay item; undefined when it is malformed or skipped (see {@link BilibiliImport.skipped}). */
function readD(d: ParsedD, maxTextChars: number): ReplayItem | undefined {
  if (typeof d.p !== 'string') return undefined;
  const fields = d.p.split(',');
  const timeText = fields[0] ?? '';
  const timeS = Number(timeText);
  const modeNumber = integerField(fields, 1);
  const fontSize = integerField(fields, 2);
  const colorNumber = integerField(fields, 3);
  const unixtime = integerField(fields, 4);
  const hash = fields[6] ?? '';
  const dmid = fields[7] ?? '';
  if (
    fields.length < 8 ||
    !/^\d+(\.\d+)?$/.test(timeText) ||
    !Number.isFinite(timeS) ||
    modeNumber === undefined ||
    fontSize === undefined ||
    colorNumber === undefined ||
    unixtime === undefined ||
    !/^[0-9A-Za-z]{0,32}$/.test(hash) ||
    !/^\d{1,20}$/.test(dmid)
  )
    return undefined;
  const mode = modeFromBilibili(modeNumber);
  const color = decimalToColor(colorNumber);
  const text = cleanText(typeof d['#text'] === 'string' ? d['#text'] : '');
  if (mode === undefined || color === undefined || text === '' || [...text].length > maxTextChars) return undefined;
  const seq = Number(dmid);
  return {
    id: `bilibili:${dmid}`,
    text,
    mode,
    color,
    size: sizeFromBilibili(fontSize),
    name: hash,
    userId: `${IMPORTED_USER_PREFIX}${hash}`,
    sentAtMs: unixtime * 1000,
    streamTimeMs: Math.round(timeS * 1000),
    seq: Number.isSafeInteger(seq) ? seq : 0,
  };
}

/**
 * Reads a Bilibili danmaku XML document (danmaku-formats.md §3.2; the export of `bilibiliXml` and Bilibili's
 * `list.so` dumps) into replay items, in document order. Parsed with fast-xml-parser after its validator accepts
 * the document; a DOCTYPE is refused (no entity definitions). Per `<d>` (import rule of §3.2; a `<d>` that breaks
 * it is skipped and counted, the others are read): `p` needs at least 8 fields; time
 * (s) becomes `streamTimeMs`, mode 1–3 scroll, 4 bottom, 5 top, 6 reverse (7–9 skipped), font size to the nearest
 * of small/normal/large, color decimal → `#rrggbb`, unixtime (s) → `sentAtMs`, `p[6]` the sender hash → `name`
 * and `userId` `bilibili:<hash>`, `p[7]` the row id → `id` `bilibili:<id>` and `seq` (0 past 2^53). The text is
 * XML-unescaped by the parser and cleaned like a post's, at most `maxTextChars` code points.
 * @throws OnairError PAYLOAD_TOO_LARGE past `maxBytes` or `maxItems`; INVALID_ARGUMENT (field `xml`) for a
 *   malformed document or a root other than `<i>`
 */
export function importBilibiliXml(xml: string, limits: BilibiliImportLimits = {}): BilibiliImport {
  const { maxBytes = 16 * 1024 * 1024, maxItems = 100_000, maxTextChars = Infinity } = limits;
  if (Buffer.byteLength(xml, 'utf8') > maxBytes)
    throw new OnairError('PAYLOAD_TOO_LARGE', `the XML is larger than ${maxBytes} bytes`, { field: 'xml' });
  if (/<!DOCTYPE/i.test(xml)) throw invalid('a DOCTYPE is not accepted');
  if ((xml.match(/<d[\s>/]/g)?.length ?? 0) > maxItems)
    throw new OnairError('PAYLOAD_TOO_LARGE', `the XML holds more than ${maxItems} danmaku`, { field: 'xml' });
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw invalid(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const document = parser.parse(xml) as Record<string, unknown>;
  const root = document['i'];
  if (typeof root !== 'object' || root === null) throw invalid('the root element must be <i>');
  const ds = (root as { d?: ParsedD[] }).d ?? [];
  const items: ReplayItem[] = [];
  for (const d of ds) {
    const item = readD(d, maxTextChars);
    if (item) items.push(item);
  }
  return { items, skipped: ds.length - items.length };
}
