/**
 * The boxes in buf[start, end) (ISO/IEC 14496-12 §4.2): 32-bit size, 64-bit `largesize` (size 1) and "to the end"
 * (size 0).
 * @returns {Generator<{ type: string, start: number, end: number }>} start: first byte after the box header.
 * @throws Error on a box that overruns its parent.
 */
function* boxes(buf, start = 0, end = buf.length) {
  let pos = start;
  while (pos + 8 <= end) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(pos + 8));
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header || pos + size > end) throw new Error(`malformed ${type} box at byte ${pos}`);
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

function children(buf, box, type) {
  return [...boxes(buf, box.start, box.end)].filter((b) => b.type === type);
}

function child(buf, box, type) {
  const found = children(buf, box, type)[0];
  if (!found) throw new Error(`no ${type} box`);
  return found;
}

const WHOLE = (buf) => ({ start: 0, end: buf.length });

/**
 * @typedef {object} VideoTrack what an init segment says of its video track.
 * @property {number} trackId track_ID (tkhd, ISO/IEC 14496-12 §8.3.2).
 * @property {number} timescale media time units per second (mdhd, §8.4.2).
 * @property {number} defaultSampleDuration default_sample_duration of its trex (§8.8.3), timescale units.
 */

/**
 * Reads the video track (hdlr `vide`, §8.4.3) of an fMP4 init segment (ftyp + moov).
 * @param {Buffer} buf
 * @returns {VideoTrack}
 * @throws Error when there is no moov or no video track.
 */
export function readVideoTrack(buf) {
  const moov = child(buf, WHOLE(buf), 'moov');
  for (const trak of children(buf, moov, 'trak')) {
    const mdia = child(buf, trak, 'mdia');
    const hdlr = child(buf, mdia, 'hdlr');
    if (buf.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue;
    const tkhd = child(buf, trak, 'tkhd');
    const trackId = buf.readUInt32BE(tkhd.start + (buf[tkhd.start] === 1 ? 20 : 12));
    const mdhd = child(buf, mdia, 'mdhd');
    const timescale = buf.readUInt32BE(mdhd.start + (buf[mdhd.start] === 1 ? 20 : 12));
    const mvex = children(buf, moov, 'mvex')[0];
    const trex = mvex && children(buf, mvex, 'trex').find((t) => buf.readUInt32BE(t.start + 4) === trackId);
    return { trackId, timescale, defaultSampleDuration: trex ? buf.readUInt32BE(trex.start + 12) : 0 };
  }
  throw new Error('init segment has no video track');
}

/** Bytes of each sample entry of a trun by its flags: duration, size, flags, composition offset (§8.8.8). */
function sampleEntryBytes(flags) {
  return [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length * 4;
}

/**
 * Decode times of the first and the last video sample in an fMP4 part or segment (one or more moof + mdat,
 * ISO/IEC 14496-12 §8.8): the video traf's tfdt baseMediaDecodeTime (§8.8.12) plus the durations of the samples
 * before (trun sample_duration §8.8.8, else tfhd default_sample_duration §8.8.7, else the trex default).
 * @param {Buffer} buf
 * @param {VideoTrack} track from the init segment the playlist maps it to.
 * @returns {{ firstMs: number, lastMs: number, samples: number }} decode times in ms of media time, and how many
 *   video samples it holds.
 * @throws Error when it holds no video sample.
 */
export function fmp4VideoTimes(buf, track) {
  let first;
  let last;
  let samples = 0;
  for (const moof of children(buf, WHOLE(buf), 'moof')) {
    for (const traf of children(buf, moof, 'traf')) {
      const tfhd = child(buf, traf, 'tfhd');
      if (buf.readUInt32BE(tfhd.start + 4) !== track.trackId) continue;
      const tfhdFlags = buf.readUIntBE(tfhd.start + 1, 3);
      const defaultOffset = tfhd.start + 8 + (tfhdFlags & 0x01 ? 8 : 0) + (tfhdFlags & 0x02 ? 4 : 0);
      const defaultDuration = tfhdFlags & 0x08 ? buf.readUInt32BE(defaultOffset) : track.defaultSampleDuration;
      const tfdt = child(buf, traf, 'tfdt');
      let time = buf[tfdt.start] === 1 ? Number(buf.readBigUInt64BE(tfdt.start + 4)) : buf.readUInt32BE(tfdt.start + 4);
      for (const trun of children(buf, traf, 'trun')) {
        const flags = buf.readUIntBE(trun.start + 1, 3);
        const count = buf.readUInt32BE(trun.start + 4);
        const stride = sampleEntryBytes(flags);
        let pos = trun.start + 8 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
        for (let i = 0; i < count; i++, pos += stride) {
          first ??= time;
          last = time;
          samples++;
          time += flags & 0x100 ? buf.readUInt32BE(pos) : defaultDuration;
        }
      }
    }
  }
  if (first === undefined) throw new Error('no video sample');
  return { firstMs: (first / track.timescale) * 1000, lastMs: (last / track.timescale) * 1000, samples };
}
