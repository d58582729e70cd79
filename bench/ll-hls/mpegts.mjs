const PACKET = 188;
const SYNC = 0x47;
/** PMT stream_type of video streams (ISO/IEC 13818-1 Table 2-34): MPEG-2, H.264, H.265. */
const VIDEO_STREAM_TYPES = new Set([0x02, 0x1b, 0x24]);

/** A 33-bit PTS or DTS of a PES header (ISO/IEC 13818-1 §2.4.3.7), 90 kHz units. */
function timestamp(buf, pos) {
  return (
    (buf[pos] & 0x0e) * 0x20000000 +
    buf[pos + 1] * 0x400000 +
    (buf[pos + 2] & 0xfe) * 0x4000 +
    buf[pos + 3] * 0x80 +
    (buf[pos + 4] >> 1)
  );
}

/** The PMT PID of the first program of a PAT section starting at `pos`, after the pointer field (§2.4.4.3). */
function patProgramMapPid(buf, pos) {
  const end = pos + 3 + (((buf[pos + 1] & 0x0f) << 8) | buf[pos + 2]) - 4;
  for (let p = pos + 8; p + 4 <= end; p += 4) {
    if (buf.readUInt16BE(p) !== 0) return buf.readUInt16BE(p + 2) & 0x1fff;
  }
  return undefined;
}

/** The PID of the first video stream of a PMT section starting at `pos`, after the pointer field (§2.4.4.8). */
function pmtVideoPid(buf, pos) {
  const end = pos + 3 + (((buf[pos + 1] & 0x0f) << 8) | buf[pos + 2]) - 4;
  let p = pos + 12 + (((buf[pos + 10] & 0x0f) << 8) | buf[pos + 11]);
  for (; p + 5 <= end; p += 5 + (((buf[p + 3] & 0x0f) << 8) | buf[p + 4])) {
    if (VIDEO_STREAM_TYPES.has(buf[p])) return ((buf[p + 1] & 0x1f) << 8) | buf[p + 2];
  }
  return undefined;
}

/**
 * Decode times of the first and the last video access unit of an MPEG-TS segment (ISO/IEC 13818-1): the PAT
 * names the PMT, the PMT the first video stream, and each PES packet that starts on that PID carries a DTS (or
 * only a PTS, which then is the DTS). nginx-rtmp writes one PES per video frame.
 * @param {Buffer} buf whole 188-byte packets.
 * @returns {{ firstMs: number, lastMs: number, samples: number }} decode times in ms of media time (90 kHz / 90),
 *   and how many video PES (frames) it holds.
 * @throws Error on lost sync or when it holds no video PES.
 */
export function tsVideoTimes(buf) {
  let pmtPid;
  let videoPid;
  let first;
  let last;
  let samples = 0;
  for (let pos = 0; pos + PACKET <= buf.length; pos += PACKET) {
    if (buf[pos] !== SYNC) throw new Error(`MPEG-TS sync lost at byte ${pos}`);
    const payloadStart = (buf[pos + 1] & 0x40) !== 0;
    const pid = ((buf[pos + 1] & 0x1f) << 8) | buf[pos + 2];
    const adaptation = (buf[pos + 3] >> 4) & 0x03;
    if (!payloadStart || (adaptation & 0x01) === 0) continue;
    const p = pos + 4 + (adaptation & 0x02 ? 1 + buf[pos + 4] : 0);
    if (pid === 0) pmtPid = patProgramMapPid(buf, p + 1 + buf[p]);
    else if (pid === pmtPid) videoPid ??= pmtVideoPid(buf, p + 1 + buf[p]);
    else if (pid === videoPid && buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 1) {
      const flags = buf[p + 7] >> 6;
      const ts = flags === 3 ? timestamp(buf, p + 14) : flags === 2 ? timestamp(buf, p + 9) : undefined;
      if (ts === undefined) continue;
      first ??= ts;
      last = ts;
      samples++;
    }
  }
  if (first === undefined) throw new Error('no video PES');
  return { firstMs: first / 90, lastMs: last / 90, samples };
}
