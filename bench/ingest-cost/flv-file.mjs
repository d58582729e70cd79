import { readFileSync } from 'node:fs';
import { encodeAmf0 } from '../../services/ingest/dist/protocols/rtmp/amf0-encode.js';

/** FLV tag types (FLV spec v10.1 §E.4.1), the same ids as the RTMP message types that carry them. */
export const TAG_TYPE = { AUDIO: 8, VIDEO: 9, SCRIPT: 18 };

/**
 * @typedef {object} FlvTag
 * @property {number} type {@link TAG_TYPE}.
 * @property {number} timestamp decode time, ms.
 * @property {Buffer} payload the tag body: what an RTMP audio, video or data message carries.
 */

/**
 * @typedef {object} FlvFile
 * @property {Buffer | undefined} metadata the `@setDataFrame` data message body of the file's onMetaData, as
 *   ffmpeg publishes it (`@setDataFrame`, `onMetaData`, the ECMA array).
 * @property {FlvTag[]} sequenceHeaders the AVC sequence header and AAC AudioSpecificConfig: sent once per publish.
 * @property {FlvTag[]} media every other audio and video tag before `loopMs`, in file order.
 * @property {number} loopMs what a replay adds to the timestamps on each loop, ms: the video track's last timestamp
 *   plus one frame, so that video stays evenly spaced across loops (audio tags past it are left out).
 */

/** An AVC sequence header (AVCPacketType 0) or an AAC AudioSpecificConfig (AACPacketType 0). */
function isSequenceHeader(type, payload) {
  if (type === TAG_TYPE.VIDEO) return (payload[0] & 0x0f) === 7 && payload[1] === 0;
  if (type === TAG_TYPE.AUDIO) return payload[0] >> 4 === 10 && payload[1] === 0;
  return false;
}

/** Last timestamp of a track plus its most common frame duration, ms; 0 for an empty track. */
function trackEndMs(tags) {
  if (tags.length === 0) return 0;
  const counts = new Map();
  for (let i = 1; i < tags.length; i++) {
    const delta = tags[i].timestamp - tags[i - 1].timestamp;
    counts.set(delta, (counts.get(delta) ?? 0) + 1);
  }
  const frameMs = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  return tags.at(-1).timestamp + frameMs;
}

/**
 * Reads an FLV file (FLV spec v10.1 Annex E: header, then tags each followed by PreviousTagSize) into what a
 * publisher replays: metadata, sequence headers and media tags.
 * @param {string} path
 * @returns {FlvFile}
 * @throws Error when the file is not FLV or a tag runs past its end.
 */
export function readFlvFile(path) {
  const file = readFileSync(path);
  if (file.toString('latin1', 0, 3) !== 'FLV') throw new Error(`${path} is not an FLV file`);
  let pos = file.readUInt32BE(5) + 4; // DataOffset, then PreviousTagSize0.
  let metadata;
  const sequenceHeaders = [];
  const media = [];
  while (pos + 11 <= file.length) {
    const type = file[pos] & 0x1f;
    const size = file.readUIntBE(pos + 1, 3);
    const timestamp = file[pos + 7] * 2 ** 24 + file.readUIntBE(pos + 4, 3); // TimestampExtended is the upper 8 bits.
    const end = pos + 11 + size;
    if (end > file.length) throw new Error(`${path}: tag at byte ${pos} runs past the end`);
    const payload = file.subarray(pos + 11, end);
    if (type === TAG_TYPE.SCRIPT) metadata ??= Buffer.concat([encodeAmf0('@setDataFrame'), payload]);
    else if (isSequenceHeader(type, payload)) sequenceHeaders.push({ type, timestamp, payload });
    else if (type === TAG_TYPE.AUDIO || type === TAG_TYPE.VIDEO) media.push({ type, timestamp, payload });
    pos = end + 4;
  }
  const loopMs = trackEndMs(media.filter((tag) => tag.type === TAG_TYPE.VIDEO));
  if (loopMs === 0) throw new Error(`${path} has no video`);
  return { metadata, sequenceHeaders, media: media.filter((tag) => tag.timestamp < loopMs), loopMs };
}
