import { HLS_VERSION } from '../hls/master-playlist.js';

/** One segment of a recorded media playlist: its lines (tags, then the URI) and its EXTINF duration, ms. */
export interface RecordedEntry {
  /** The entry's lines, each ending in "\n": EXT-X-DISCONTINUITY, EXT-X-MAP, EXT-X-PROGRAM-DATE-TIME, EXTINF, URI. */
  readonly text: string;
  readonly durationMs: number;
}

/** What a segment's entry says, as {@link entryText} writes it. */
export interface EntryFields {
  /** File name of the segment, relative to the playlist. */
  readonly uri: string;
  readonly durationMs: number;
  /** Wall clock of the first sample, unix epoch ms (EXT-X-PROGRAM-DATE-TIME, RFC 8216 §4.3.2.6). */
  readonly programDateTimeMs: number;
  /** The segment follows a discontinuity (RFC 8216 §4.3.2.3). */
  readonly discontinuity: boolean;
  /** Set when the segment's init segment differs from the previous segment's: its file name (EXT-X-MAP §4.3.2.5). */
  readonly mapUri?: string | undefined;
}

/** The line that ends a finished recording's media playlist (RFC 8216 §4.3.3.4). */
export const ENDLIST = '#EXT-X-ENDLIST';

/**
 * The head of a recorded media playlist (RFC 8216 §4.3.3): `EVENT` while the publish is recorded (segments are only
 * appended), `VOD` once it is done. `targetDurationS` bounds every EXTINF rounded to an integer.
 */
export function playlistHead(type: 'EVENT' | 'VOD', targetDurationS: number): string {
  return [
    '#EXTM3U',
    `#EXT-X-VERSION:${HLS_VERSION}`,
    `#EXT-X-TARGETDURATION:${targetDurationS}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXT-X-PLAYLIST-TYPE:${type}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '',
  ].join('\n');
}

/** The lines of one segment's entry, as they are appended to a recorded media playlist. */
export function entryText(e: EntryFields): string {
  const lines: string[] = [];
  if (e.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
  if (e.mapUri !== undefined) lines.push(`#EXT-X-MAP:URI="${e.mapUri}"`);
  lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(e.programDateTimeMs).toISOString()}`);
  lines.push(`#EXTINF:${(e.durationMs / 1000).toFixed(3)},`, e.uri, '');
  return lines.join('\n');
}

/** EXT-X-TARGETDURATION for entries (RFC 8216 §4.3.3.1): their longest EXTINF rounded to an integer, at least 1 s. */
export function targetDurationOf(entries: readonly RecordedEntry[]): number {
  let max = 1;
  for (const e of entries) max = Math.max(max, Math.round(Math.round(e.durationMs) / 1000));
  return max;
}

/** A finished recording's media playlist: the VOD head, every entry, then EXT-X-ENDLIST. */
export function renderVodPlaylist(entries: readonly RecordedEntry[]): string {
  return `${playlistHead('VOD', targetDurationOf(entries))}${entries.map((e) => e.text).join('')}${ENDLIST}\n`;
}

/**
 * The complete entries of a recorded media playlist as written so far: every run of tag lines closed by a URI line.
 * Head tags, EXT-X-ENDLIST and a trailing run without its URI (a write cut short) are left out.
 */
export function parseEntries(playlist: string): RecordedEntry[] {
  const entries: RecordedEntry[] = [];
  let pending: string[] = [];
  let durationMs = 0;
  for (const line of playlist.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#EXTINF:')) durationMs = Math.round(parseFloat(line.slice('#EXTINF:'.length)) * 1000);
    if (
      line.startsWith('#EXTINF:') ||
      line === '#EXT-X-DISCONTINUITY' ||
      /^#EXT-X-(MAP|PROGRAM-DATE-TIME):/.test(line)
    ) {
      pending.push(line);
    } else if (!line.startsWith('#')) {
      entries.push({ text: `${[...pending, line].join('\n')}\n`, durationMs });
      pending = [];
      durationMs = 0;
    }
  }
  return entries;
}

/** The URI of an entry: its last line. */
export function entryUri(entry: RecordedEntry): string {
  const lines = entry.text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}
