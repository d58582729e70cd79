import {
  childBoxes,
  childrenOf,
  findChild,
  findPath,
  Fmp4Error,
  fullBoxHeader,
  requireBytes,
  type BoxView,
} from './box.js';
import { avcCodecString, mp4aCodecString } from './codecs.js';

/** Defaults for samples of a track's fragments (ISO/IEC 14496-12 §8.8.3 TrackExtendsBox). */
export interface SampleDefaults {
  /** Timescale units. */
  readonly duration: number;
  /** Bytes. */
  readonly size: number;
  /** Sample flags (§8.8.3.1). */
  readonly flags: number;
}

/** One track of an init segment. */
export interface TrackInfo {
  readonly trackId: number;
  /** Handler type (§8.4.3): "vide", "soun", … */
  readonly handler: string;
  /** Units per second of the track's media time (§8.4.2 mdhd). */
  readonly timescale: number;
  /** Picture size in pixels: the visual sample entry's, else tkhd's; 0 for audio. */
  readonly width: number;
  readonly height: number;
  /** RFC 6381 codecs parameter, e.g. "avc1.64001f"; the sample entry's four-character code when not parsed. */
  readonly codec: string;
  /** From `mvex/trex`; zeros when absent. */
  readonly defaults: SampleDefaults;
}

/** What an init segment (ftyp+moov) says about its tracks. */
export interface InitInfo {
  readonly tracks: readonly TrackInfo[];
}

/** Bytes of a VisualSampleEntry before its child boxes (§12.1.3: SampleEntry 8 + 70). */
const VISUAL_ENTRY_BYTES = 78;
/** Bytes of an AudioSampleEntry before its child boxes (§12.2.3: SampleEntry 8 + 20). */
const AUDIO_ENTRY_BYTES = 28;

/**
 * Parses an init segment: per `trak` its id (tkhd §8.3.2), timescale (mdhd §8.4.2), handler (hdlr §8.4.3),
 * size and codecs (stsd §8.5.2 with avcC / esds), and the fragment defaults from `mvex/trex` (§8.8.3).
 * @throws Fmp4Error when there is no moov or a required box is missing or malformed.
 */
export function parseInit(init: Buffer): InitInfo {
  const moov = childBoxes(init).find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('init segment without moov');
  const trexById = new Map<number, SampleDefaults>();
  const mvex = findChild(init, moov, 'mvex');
  for (const trex of mvex ? childrenOf(init, mvex).filter((b) => b.type === 'trex') : []) {
    const { fields } = fullBoxHeader(init, trex);
    requireBytes(trex, fields, 20);
    trexById.set(init.readUInt32BE(fields), {
      duration: init.readUInt32BE(fields + 8),
      size: init.readUInt32BE(fields + 12),
      flags: init.readUInt32BE(fields + 16),
    });
  }
  const tracks = childrenOf(init, moov)
    .filter((b) => b.type === 'trak')
    .map((trak) => parseTrak(init, trak, trexById));
  return { tracks };
}

function parseTrak(buf: Buffer, trak: BoxView, trexById: Map<number, SampleDefaults>): TrackInfo {
  const tkhd = requireChild(buf, trak, ['tkhd']);
  const th = fullBoxHeader(buf, tkhd);
  const idOffset = th.fields + (th.version === 1 ? 16 : 8);
  const sizeOffset = th.fields + (th.version === 1 ? 84 : 72);
  requireBytes(tkhd, sizeOffset, 8);
  const trackId = buf.readUInt32BE(idOffset);
  const mdhd = requireChild(buf, trak, ['mdia', 'mdhd']);
  const mh = fullBoxHeader(buf, mdhd);
  const timescaleOffset = mh.fields + (mh.version === 1 ? 16 : 8);
  requireBytes(mdhd, timescaleOffset, 4);
  const timescale = buf.readUInt32BE(timescaleOffset);
  if (timescale === 0) throw new Fmp4Error(`track ${trackId}: timescale 0`);
  const hdlr = requireChild(buf, trak, ['mdia', 'hdlr']);
  const hh = fullBoxHeader(buf, hdlr);
  requireBytes(hdlr, hh.fields + 4, 4);
  const handler = buf.toString('latin1', hh.fields + 4, hh.fields + 8);
  const entry = sampleEntry(buf, requireChild(buf, trak, ['mdia', 'minf', 'stbl', 'stsd']));
  const tkhdWidth = buf.readUInt32BE(sizeOffset) >>> 16;
  const tkhdHeight = buf.readUInt32BE(sizeOffset + 4) >>> 16;
  return {
    trackId,
    handler,
    timescale,
    width: entry.width || (handler === 'vide' ? tkhdWidth : 0),
    height: entry.height || (handler === 'vide' ? tkhdHeight : 0),
    codec: entry.codec,
    defaults: trexById.get(trackId) ?? { duration: 0, size: 0, flags: 0 },
  };
}

/** The first sample entry of an stsd (§8.5.2): codecs string and, for visual entries, coded size. */
function sampleEntry(buf: Buffer, stsd: BoxView): { codec: string; width: number; height: number } {
  const { fields } = fullBoxHeader(buf, stsd);
  requireBytes(stsd, fields, 4);
  const [entry] = childBoxes(buf, fields + 4, stsd.end);
  if (!entry) throw new Fmp4Error('stsd without sample entries');
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      requireBytes(entry, entry.body, VISUAL_ENTRY_BYTES);
      const avcC = childBoxes(buf, entry.body + VISUAL_ENTRY_BYTES, entry.end).find((b) => b.type === 'avcC');
      if (!avcC) throw new Fmp4Error(`${entry.type} sample entry without avcC`);
      return {
        codec: avcCodecString(buf, avcC, entry.type),
        width: buf.readUInt16BE(entry.body + 24),
        height: buf.readUInt16BE(entry.body + 26),
      };
    }
    case 'mp4a': {
      requireBytes(entry, entry.body, AUDIO_ENTRY_BYTES);
      // QuickTime sound sample description versions 1 and 2 carry 16 and 36 more bytes.
      const version = buf.readUInt16BE(entry.body + 8);
      const skip = AUDIO_ENTRY_BYTES + (version === 1 ? 16 : version === 2 ? 36 : 0);
      const esds = childBoxes(buf, entry.body + skip, entry.end).find((b) => b.type === 'esds');
      return { codec: esds ? mp4aCodecString(buf, esds) : 'mp4a', width: 0, height: 0 };
    }
    default:
      return { codec: entry.type, width: 0, height: 0 };
  }
}

function requireChild(buf: Buffer, box: BoxView, path: readonly string[]): BoxView {
  const found = findPath(buf, box, path);
  if (!found) throw new Fmp4Error(`${box.type} without ${path.join('/')}`);
  return found;
}
