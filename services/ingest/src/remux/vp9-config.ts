import { BitReader } from './bit-reader.js';
import { RemuxError } from './remux-error.js';

/** What a VP codec configuration record says about a VP9 stream. */
export interface Vp9Config {
  /** The record as the publisher sent it, with or without the FullBox version and flags. */
  readonly record: Buffer;
  /**
   * The VPCodecConfigurationRecord alone ("VP Codec ISO Media File Format Binding" §2.2: profile through
   * codecIntializationData), without FullBox version and flags: what a version-1 `vpcC` carries after them.
   */
  readonly configuration: Buffer;
  /** Codecs parameter, the short form of the binding's "Codecs Parameter String": `vp09.PP.LL.DD`. */
  readonly codec: string;
  /** 0: the record carries no picture size; {@link vp9FrameSize} reads it from the first key frame. */
  readonly width: number;
  readonly height: number;
}

/** Bytes of the record from profile through codecIntializationDataSize (binding §2.2). */
const FIELD_BYTES = 8;
/** frame_sync_code of key and intra-only frames (VP9 bitstream §6.2.1, §7.2). */
const FRAME_SYNC_CODE = 0x49_83_42;
/** color_space CS_RGB (VP9 bitstream §7.2.2). */
const CS_RGB = 7;

const digits2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Parses a VP Codec Configuration Record for VP9 ("VP Codec ISO Media File Format Binding" §2.2; the body of
 * an Enhanced RTMP `vp09` SequenceStart, veovera enhanced-rtmp v2 "ExVideoTagBody"). The E-RTMP spec names only
 * the record; FFmpeg's FLV muxer sends the whole `vpcC` box content (version 1, flags 0, then the record), so
 * both forms are accepted: bytes 1-3 are the zero flags in the FullBox form and can never all be zero in the bare
 * one (byte 2 holds bitDepth, 8 to 12, in its top 4 bits).
 * @throws RemuxError when the record is truncated, names a vpcC version other than 1, profile above 3 or a bit
 *   depth other than 8, 10 or 12, or its codecIntializationData runs past the record.
 */
export function parseVp9Config(record: Buffer): Vp9Config {
  const fullBox = record.length >= 4 && record[1] === 0 && record[2] === 0 && record[3] === 0;
  if (fullBox && record[0] !== 1) throw new RemuxError(`VP9 sequence start has vpcC version ${record[0]}, not 1`);
  const fields = fullBox ? record.subarray(4) : record;
  if (fields.length < FIELD_BYTES) throw new RemuxError('VP9 sequence start is truncated');
  const profile = fields.readUInt8(0);
  const level = fields.readUInt8(1);
  const bitDepth = fields.readUInt8(2) >> 4;
  if (profile > 3) throw new RemuxError(`VP9 sequence start has a reserved profile ${profile}`);
  if (bitDepth !== 8 && bitDepth !== 10 && bitDepth !== 12)
    throw new RemuxError(`VP9 sequence start has an invalid bit depth ${bitDepth}`);
  const end = FIELD_BYTES + fields.readUInt16BE(6);
  if (end > fields.length) throw new RemuxError('VP9 sequence start initialization data is truncated');
  return {
    record,
    configuration: fields.subarray(0, end),
    codec: `vp09.${digits2(profile)}.${digits2(level)}.${digits2(bitDepth)}`,
    width: 0,
    height: 0,
  };
}

/**
 * The frame size of a VP9 key frame, from its uncompressed header (VP9 bitstream v0.6 §6.2 uncompressed_header:
 * frame_marker, profile, show_existing_frame, frame_type, show_frame, error_resilient_mode, frame_sync_code,
 * color_config §6.2.2, then frame_size §6.2.3: frame_width_minus_1 and frame_height_minus_1, 16 bits each).
 * A superframe (Annex B) starts with its first frame, so the bytes of a whole sample do.
 * @returns width and height in pixels, or undefined when the frame is not a key frame (an inter or intra-only
 *   frame, or show_existing_frame).
 * @throws RemuxError when the header is truncated or its frame_marker or frame_sync_code is wrong.
 */
export function vp9FrameSize(frame: Buffer): { width: number; height: number } | undefined {
  const r = new BitReader(frame, 'VP9 uncompressed header');
  if (r.bits(2) !== 2) throw new RemuxError('VP9 frame has a wrong frame_marker');
  const profileLow = r.bits(1);
  const profile = (r.bits(1) << 1) | profileLow;
  if (profile === 3) r.bits(1); // reserved_zero
  if (r.flag()) return undefined; // show_existing_frame
  if (r.flag()) return undefined; // frame_type: NON_KEY_FRAME
  r.bits(2); // show_frame, error_resilient_mode
  if (r.bits(24) !== FRAME_SYNC_CODE) throw new RemuxError('VP9 key frame has a wrong frame_sync_code');
  // color_config() (§6.2.2)
  if (profile >= 2) r.bits(1); // ten_or_twelve_bit
  const colorSpace = r.bits(3);
  if (colorSpace !== CS_RGB) {
    r.bits(1); // color_range
    if (profile === 1 || profile === 3) r.bits(3); // subsampling_x, subsampling_y, reserved_zero
  } else if (profile === 1 || profile === 3) {
    r.bits(1); // reserved_zero
  }
  return { width: r.bits(16) + 1, height: r.bits(16) + 1 };
}
