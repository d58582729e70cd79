import { box, fullBox, u16, u32, UNITY_MATRIX, zeros } from './mp4-box.js';

/** One track of an init segment. */
export interface InitTrack {
  /** 1-based, unique in the segment. */
  readonly trackId: number;
  readonly handler: 'vide' | 'soun';
  /** Units per second of the track's media time (mdhd §8.4.2). */
  readonly timescale: number;
  /** Picture size, pixels; 0 for audio. */
  readonly width: number;
  readonly height: number;
  /** The track's one sample entry box, e.g. from `avc1Entry` or `mp4aEntry`. */
  readonly sampleEntry: Buffer;
}

/** Handler names written in hdlr (§8.4.3), for tools that show them. */
const HANDLER_NAMES = { vide: 'VideoHandler', soun: 'SoundHandler' } as const;
/** ISO 639-2/T "und" packed as three 5-bit letters (mdhd §8.4.2.3). */
const LANGUAGE_UND = 0x55c4;

/**
 * A fragmented-MP4 initialization segment (ISO/IEC 14496-12 §8.16.1; the CMAF header of ISO/IEC 23000-19 §7.3.2):
 * `ftyp` and a `moov` whose tracks have empty sample tables and whose `mvex` announces fragments, one `trex`
 * per track with no sample defaults (every fragment states its own).
 */
export function writeInitSegment(tracks: readonly InitTrack[]): Buffer {
  const ftyp = box('ftyp', Buffer.from('iso6', 'latin1'), u32(0), Buffer.from('iso6cmfcmp41', 'latin1'));
  const nextTrackId = Math.max(0, ...tracks.map((t) => t.trackId)) + 1;
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    zeros(8), // creation_time, modification_time
    u32(1000), // timescale
    u32(0), // duration: unknown, fragments follow
    u32(0x0001_0000), // rate 1.0
    u16(0x0100), // volume 1.0
    zeros(10), // reserved
    UNITY_MATRIX,
    zeros(24), // pre_defined
    u32(nextTrackId),
  );
  const mvex = box('mvex', ...tracks.map((t) => fullBox('trex', 0, 0, u32(t.trackId), u32(1), zeros(12))));
  return Buffer.concat([ftyp, box('moov', mvhd, ...tracks.map(trak), mvex)]);
}

function trak(t: InitTrack): Buffer {
  const tkhd = fullBox(
    'tkhd',
    0,
    0x3, // track_enabled | track_in_movie
    zeros(8), // creation_time, modification_time
    u32(t.trackId),
    zeros(4), // reserved
    u32(0), // duration
    zeros(8), // reserved
    zeros(4), // layer, alternate_group
    u16(t.handler === 'soun' ? 0x0100 : 0), // volume
    zeros(2), // reserved
    UNITY_MATRIX,
    u32(t.width * 0x1_0000), // 16.16
    u32(t.height * 0x1_0000),
  );
  const mdhd = fullBox('mdhd', 0, 0, zeros(8), u32(t.timescale), u32(0), u16(LANGUAGE_UND), zeros(2));
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    zeros(4), // pre_defined
    Buffer.from(t.handler, 'latin1'),
    zeros(12), // reserved
    Buffer.from(`${HANDLER_NAMES[t.handler]}\0`, 'latin1'),
  );
  const mediaHeader = t.handler === 'vide' ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), t.sampleEntry),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', mediaHeader, dinf, stbl)));
}
