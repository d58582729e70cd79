import { encodeAmf0 } from '../protocols/rtmp/amf0-encode.js';
import { Amf0EcmaArray, type Amf0Object } from '../protocols/rtmp/amf0.js';

/** FLV tag types (FLV spec v10.1 §E.4.1 TagType). */
export const FLV_TAG_TYPE = { AUDIO: 8, VIDEO: 9, SCRIPT: 18 } as const;

/** One of {@link FLV_TAG_TYPE}'s values. */
export type FlvTagType = (typeof FLV_TAG_TYPE)[keyof typeof FLV_TAG_TYPE];

/** FLV header (§E.2) plus PreviousTagSize0, bytes. */
export const FLV_HEADER_BYTES = 13;
/** Tag header (§E.4.1), bytes. */
export const FLV_TAG_HEADER_BYTES = 11;

/** Largest DataSize a tag header can carry (UI24), bytes. */
const MAX_TAG_BODY = 0xff_ffff;

/**
 * The FLV file header (FLV spec v10.1 §E.2: "FLV", version 1, TypeFlagsAudio/TypeFlagsVideo, DataOffset 9)
 * followed by PreviousTagSize0 = 0 (§E.3).
 */
export function flvHeader(tracks: { audio: boolean; video: boolean }): Buffer {
  const out = Buffer.alloc(FLV_HEADER_BYTES);
  out.write('FLV', 0, 'latin1');
  out.writeUInt8(1, 3);
  out.writeUInt8((tracks.audio ? 0x04 : 0) | (tracks.video ? 0x01 : 0), 4);
  out.writeUInt32BE(9, 5);
  return out;
}

/**
 * One FLV tag (§E.4.1: TagType, DataSize, Timestamp + TimestampExtended, StreamID 0) with its body and the
 * PreviousTagSize that follows it (§E.3).
 * @param timestampMs 32-bit ms; the upper 8 bits go to TimestampExtended.
 * @throws RangeError when the body does not fit a tag (over 16 MiB - 1 bytes).
 */
export function flvTag(type: FlvTagType, timestampMs: number, body: Buffer): Buffer {
  if (body.length > MAX_TAG_BODY) throw new RangeError(`FLV tag body of ${body.length} bytes exceeds ${MAX_TAG_BODY}`);
  const ts = timestampMs >>> 0;
  const out = Buffer.allocUnsafe(FLV_TAG_HEADER_BYTES + body.length + 4);
  out.writeUInt8(type, 0);
  out.writeUIntBE(body.length, 1, 3);
  out.writeUIntBE(ts & 0xff_ffff, 4, 3);
  out.writeUInt8(ts >>> 24, 7);
  out.writeUIntBE(0, 8, 3);
  body.copy(out, FLV_TAG_HEADER_BYTES);
  out.writeUInt32BE(FLV_TAG_HEADER_BYTES + body.length, FLV_TAG_HEADER_BYTES + body.length);
  return out;
}

/** SoundFormat 10 = AAC (§E.4.2.1). */
const SOUND_FORMAT_AAC = 10;
/** CodecID 7 = AVC (§E.4.3.1). */
const CODEC_ID_AVC = 7;
/** FrameType 1 = key frame (§E.4.3.1). */
const FRAME_TYPE_KEY = 1;

/** An AUDIODATA body carrying the AAC AudioSpecificConfig (§E.4.2.1: SoundFormat 10, AACPacketType 0). */
export function isAacSequenceHeader(body: Buffer): boolean {
  return body.length >= 2 && body.readUInt8(0) >> 4 === SOUND_FORMAT_AAC && body.readUInt8(1) === 0;
}

/** A VIDEODATA body carrying the AVCDecoderConfigurationRecord (§E.4.3.1: CodecID 7, AVCPacketType 0). */
export function isAvcSequenceHeader(body: Buffer): boolean {
  return body.length >= 2 && (body.readUInt8(0) & 0x0f) === CODEC_ID_AVC && body.readUInt8(1) === 0;
}

/** A VIDEODATA body of a key frame (§E.4.3.1 FrameType 1), sequence headers included. */
export function isVideoKeyframe(body: Buffer): boolean {
  return body.length >= 1 && ((body.readUInt8(0) >> 4) & 0x07) === FRAME_TYPE_KEY;
}

/** An audio body that needs a sequence header before it can be decoded (AAC raw frames). */
export function audioNeedsSequenceHeader(body: Buffer): boolean {
  return body.length >= 1 && body.readUInt8(0) >> 4 === SOUND_FORMAT_AAC;
}

/** A video body that needs a sequence header before it can be decoded (AVC NALUs). */
export function videoNeedsSequenceHeader(body: Buffer): boolean {
  return body.length >= 1 && (body.readUInt8(0) & 0x0f) === CODEC_ID_AVC;
}

/**
 * The body of a SCRIPTDATA tag carrying `onMetaData` (§E.4.4.1, §E.5): the AMF0 string "onMetaData" and the
 * object as an ECMA array (AMF0 spec §2.10). `meta` is what PublishSink.metadata receives: the publisher's own
 * AMF0 ECMA array decoded to plain values, which encode back as they came.
 */
export function onMetaDataBody(meta: Record<string, unknown>): Buffer {
  return encodeAmf0('onMetaData', new Amf0EcmaArray(meta as Amf0Object));
}
