import { z } from 'zod';

/** The source rendition: the publisher's own streams, repackaged by ingest without re-encoding. */
export interface SourceRendition {
  readonly kind: 'source';
  readonly name: 'source';
}

/** A rendition encoded by ffmpeg: libx264 `-preset veryfast` at a fixed size, AAC audio. */
export interface TranscodedRendition {
  readonly kind: 'transcode';
  /** Rendition name in URLs and playlists, e.g. "480p". */
  readonly name: string;
  /** Output picture size, pixels (even numbers; the source is scaled to fit and letterboxed). */
  readonly width: number;
  readonly height: number;
  /** Video bit rate, kbit/s (`-b:v`, `-maxrate`; `-bufsize` is twice it). */
  readonly videoKbps: number;
  /** AAC audio bit rate, kbit/s. */
  readonly audioKbps: number;
}

/** One rendition of the ladder. */
export type LadderEntry = SourceRendition | TranscodedRendition;

/** Audio bit rate of every transcoded rendition, kbit/s. */
export const TRANSCODE_AUDIO_KBPS = 128;

/** The ladder INGEST_LADDER describes when unset: the source plus a 480p transcode. */
export const DEFAULT_LADDER = 'source,480p=854x480@1200k';

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;
const TRANSCODE = /^([^=]+)=(\d+)x(\d+)@(\d+)k$/i;
const LIMITS = { minSide: 16, maxWidth: 7680, maxHeight: 4320, minKbps: 50, maxKbps: 100_000 } as const;

/** Parses one entry, returning it or the reason it is invalid. */
function parseEntry(text: string): LadderEntry | string {
  if (text === 'source') return { kind: 'source', name: 'source' };
  const m = TRANSCODE.exec(text);
  if (!m) return `"${text}" is neither "source" nor <name>=<width>x<height>@<kbit/s>k (e.g. 480p=854x480@1200k)`;
  const [, name = '', w = '', h = '', kbps = ''] = m;
  const width = Number(w);
  const height = Number(h);
  const videoKbps = Number(kbps);
  if (!NAME.test(name)) return `"${name}": a name is 1-32 letters, digits, "-" or "_", starting with a letter or digit`;
  if (name === 'source') return `"${text}": the name "source" is reserved for the codec-copy rendition`;
  if (width < LIMITS.minSide || width > LIMITS.maxWidth || height < LIMITS.minSide || height > LIMITS.maxHeight) {
    return `"${text}": size ${width}x${height} is outside ${LIMITS.minSide}x${LIMITS.minSide}..${LIMITS.maxWidth}x${LIMITS.maxHeight}`;
  }
  if (width % 2 !== 0 || height % 2 !== 0) return `"${text}": width and height must be even (H.264 4:2:0)`;
  if (videoKbps < LIMITS.minKbps || videoKbps > LIMITS.maxKbps) {
    return `"${text}": bit rate ${videoKbps}k is outside ${LIMITS.minKbps}k..${LIMITS.maxKbps}k`;
  }
  return { kind: 'transcode', name, width, height, videoKbps, audioKbps: TRANSCODE_AUDIO_KBPS };
}

/**
 * Parses INGEST_LADDER: comma-separated entries, each `source` (the publisher's own streams, repackaged by ingest) or
 * `<name>=<width>x<height>@<video kbit/s>k` (libx264 veryfast + AAC). Whitespace around entries is ignored.
 * Errors name the entry and what is wrong (unknown form, bad name or size, duplicate names, empty ladder).
 * @example ladderSchema.parse('source,720p=1280x720@2800k,480p=854x480@1200k')
 */
export const ladderSchema = z.string().transform((text, ctx): LadderEntry[] => {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) {
    ctx.addIssue({ code: 'custom', message: 'the ladder is empty; give at least one rendition, e.g. "source"' });
    return z.NEVER;
  }
  const entries: LadderEntry[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const entry = part === '' ? 'empty entry (two commas in a row or a trailing comma)' : parseEntry(part);
    if (typeof entry === 'string') {
      ctx.addIssue({ code: 'custom', message: entry });
      continue;
    }
    if (seen.has(entry.name)) {
      ctx.addIssue({ code: 'custom', message: `duplicate rendition name "${entry.name}"` });
      continue;
    }
    seen.add(entry.name);
    entries.push(entry);
  }
  return entries;
});

/**
 * Fits a ladder to the publisher's picture: a transcoded rendition taller than the source would only upscale
 * (more bits, no detail), so it is dropped. The source rendition always stays; a ladder left empty keeps its
 * smallest transcode. An unknown source height (no onMetaData `height`) keeps the ladder as it is.
 * @param sourceHeight the publisher's picture height, pixels.
 */
export function fitLadder(ladder: readonly LadderEntry[], sourceHeight: number | undefined): readonly LadderEntry[] {
  if (!sourceHeight || sourceHeight <= 0) return ladder;
  const fitted = ladder.filter((e) => e.kind === 'source' || e.height <= sourceHeight);
  if (fitted.length > 0) return fitted;
  const transcodes = ladder.filter((e): e is TranscodedRendition => e.kind === 'transcode');
  const smallest = transcodes.reduce((a, b) => (b.height < a.height ? b : a));
  return [smallest];
}
