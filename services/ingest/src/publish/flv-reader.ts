import { FLV_HEADER_BYTES, FLV_TAG_HEADER_BYTES, type FlvTagType } from './flv-tag.js';

/** One tag read back from an FLV byte stream. */
export interface FlvTagRecord {
  readonly type: FlvTagType;
  /** ms, with TimestampExtended. */
  readonly timestampMs: number;
  readonly body: Buffer;
}

/** A whole FLV file: header flags and tags. */
export interface FlvFile {
  readonly audio: boolean;
  readonly video: boolean;
  readonly tags: readonly FlvTagRecord[];
}

/**
 * Reads a complete FLV file (FLV spec v10.1 §E.2 header, §E.3 body, §E.4.1 tags), checking each
 * PreviousTagSize. Used to replay recorded publishes (tests, tools) through a PublishSink.
 * @throws Error when the signature, a tag or a PreviousTagSize is wrong.
 */
export function readFlv(buf: Buffer): FlvFile {
  if (buf.length < FLV_HEADER_BYTES || buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV file');
  const flags = buf.readUInt8(4);
  const dataOffset = buf.readUInt32BE(5);
  const tags: FlvTagRecord[] = [];
  let p = dataOffset + 4;
  while (p < buf.length) {
    if (p + FLV_TAG_HEADER_BYTES > buf.length) throw new Error(`truncated tag header at byte ${p}`);
    const type = buf.readUInt8(p) & 0x1f;
    const size = buf.readUIntBE(p + 1, 3);
    const timestampMs = (buf.readUIntBE(p + 4, 3) | (buf.readUInt8(p + 7) << 24)) >>> 0;
    const end = p + FLV_TAG_HEADER_BYTES + size;
    if (end + 4 > buf.length) throw new Error(`truncated tag at byte ${p}`);
    if (buf.readUInt32BE(end) !== FLV_TAG_HEADER_BYTES + size)
      throw new Error(`wrong PreviousTagSize after the tag at byte ${p}`);
    if (type !== 8 && type !== 9 && type !== 18) throw new Error(`unknown tag type ${type} at byte ${p}`);
    tags.push({ type, timestampMs, body: buf.subarray(p + FLV_TAG_HEADER_BYTES, end) });
    p = end + 4;
  }
  return { audio: (flags & 0x04) !== 0, video: (flags & 0x01) !== 0, tags };
}
