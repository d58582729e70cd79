import { BitReader } from './bit-reader.js';
import { RemuxError } from './remux-error.js';

/** What an AV1CodecConfigurationRecord says about the stream. */
export interface Av1Config {
  /** The record itself, the body of the `av1C` box (AV1-ISOBMFF §2.3.3). */
  readonly record: Buffer;
  /** Codecs parameter of AV1-ISOBMFF §5, the mandatory fields: `av01.<profile>.<level><tier>.<bitDepth>`. */
  readonly codec: string;
  /**
   * Maximum frame size from the sequence header OBU in configOBUs (AV1 §5.5.1 max_frame_width_minus_1 + 1 …),
   * pixels; 0 when the record carries no sequence header (configOBUs may be empty, AV1-ISOBMFF §2.3.4).
   */
  readonly width: number;
  readonly height: number;
}

/** Bytes of the record before configOBUs (AV1-ISOBMFF §2.3.3). */
const RECORD_HEAD_BYTES = 4;
/** obu_type of a sequence header (AV1 §6.2.2 Table "OBU types"). */
const OBU_SEQUENCE_HEADER = 1;

const digits2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Parses an AV1CodecConfigurationRecord (AV1-ISOBMFF §2.3.3; the body of an Enhanced RTMP `av01`
 * SequenceStart, veovera enhanced-rtmp v2 "ExVideoTagBody"): marker and version, seq_profile, seq_level_idx_0,
 * seq_tier_0 and the bit depth flags make the codecs parameter (§5); the first sequence header OBU in configOBUs
 * (AV1 §5.3 open_bitstream_unit, §5.5 sequence_header_obu) gives the maximum frame size.
 * @throws RemuxError when the record has a wrong marker or version, or it or its sequence header OBU is
 *   truncated or malformed.
 */
export function parseAv1Config(record: Buffer): Av1Config {
  const head = new BitReader(record, 'AV1 sequence start');
  if (record.length < RECORD_HEAD_BYTES || head.bits(1) !== 1 || head.bits(7) !== 1)
    throw new RemuxError('AV1 sequence start is not an av1C record (marker 1, version 1)');
  const profile = head.bits(3);
  const level = head.bits(5);
  const tier = head.bits(1);
  const highBitdepth = head.flag();
  const twelveBit = head.flag();
  const bitDepth = highBitdepth ? (twelveBit ? 12 : 10) : 8;
  const codec = `av01.${profile}.${digits2(level)}${tier ? 'H' : 'M'}.${digits2(bitDepth)}`;
  const sequenceHeader = findSequenceHeader(record.subarray(RECORD_HEAD_BYTES));
  const { width, height } = sequenceHeader ? maxFrameSize(sequenceHeader) : { width: 0, height: 0 };
  return { record, codec, width, height };
}

/** The payload of the first sequence header OBU among `obus` (AV1 §5.3.1), or undefined when there is none. */
function findSequenceHeader(obus: Buffer): Buffer | undefined {
  let p = 0;
  while (p < obus.length) {
    const r = new BitReader(obus.subarray(p), 'AV1 configOBUs');
    if (r.bits(1) !== 0) throw new RemuxError('AV1 OBU header has its forbidden bit set');
    const type = r.bits(4);
    const extension = r.flag();
    const hasSize = r.flag();
    r.bits(1); // obu_reserved_1bit
    if (extension) r.bits(8); // temporal_id, spatial_id, extension_header_reserved_3bits
    let headerBytes = extension ? 2 : 1;
    let size = obus.length - p - headerBytes; // without obu_size, the OBU runs to the end
    if (hasSize) {
      const leb = readLeb128(obus, p + headerBytes);
      headerBytes += leb.bytes;
      size = leb.value;
    }
    const start = p + headerBytes;
    if (start + size > obus.length) throw new RemuxError('AV1 OBU runs past the configOBUs');
    if (type === OBU_SEQUENCE_HEADER) return obus.subarray(start, start + size);
    p = start + size;
  }
  return undefined;
}

/** leb128() (AV1 §4.10.5): up to 8 bytes of 7 bits, least significant first. */
function readLeb128(buf: Buffer, offset: number): { value: number; bytes: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = buf[offset + i];
    if (byte === undefined) throw new RemuxError('AV1 OBU size is truncated');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) return { value, bytes: i + 1 };
  }
  throw new RemuxError('AV1 OBU size runs over 8 bytes');
}

/** max_frame_width_minus_1 + 1 and max_frame_height_minus_1 + 1 of a sequence_header_obu() (AV1 §5.5.1). */
function maxFrameSize(obu: Buffer): { width: number; height: number } {
  const r = new BitReader(obu, 'AV1 sequence header OBU');
  r.bits(3); // seq_profile
  r.bits(1); // still_picture
  const reducedStillPictureHeader = r.flag();
  if (reducedStillPictureHeader) {
    r.bits(5); // seq_level_idx[0]
  } else {
    let decoderModelInfo = false;
    let bufferDelayLength = 0;
    if (r.flag()) {
      // timing_info() (§5.5.3): num_units_in_display_tick, time_scale, equal_picture_interval.
      r.bits(32);
      r.bits(32);
      if (r.flag()) skipUvlc(r); // num_ticks_per_picture_minus_1
      decoderModelInfo = r.flag();
      if (decoderModelInfo) {
        // decoder_model_info() (§5.5.4)
        bufferDelayLength = r.bits(5) + 1;
        r.bits(32); // num_units_in_decoding_tick
        r.bits(5); // buffer_removal_time_length_minus_1
        r.bits(5); // frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelay = r.flag();
    const operatingPoints = r.bits(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.bits(12); // operating_point_idc[i]
      if (r.bits(5) > 7) r.bits(1); // seq_level_idx[i], seq_tier[i]
      if (decoderModelInfo && r.flag()) {
        // operating_parameters_info(i) (§5.5.5): decoder_buffer_delay, encoder_buffer_delay, low_delay_mode_flag.
        r.bits(bufferDelayLength);
        r.bits(bufferDelayLength);
        r.bits(1);
      }
      if (initialDisplayDelay && r.flag()) r.bits(4); // initial_display_delay_minus_1[i]
    }
  }
  const widthBits = r.bits(4) + 1;
  const heightBits = r.bits(4) + 1;
  return { width: r.bits(widthBits) + 1, height: r.bits(heightBits) + 1 };
}

/** uvlc() (AV1 §4.10.3): leading zeros, a one, then as many bits (none past 31 zeros, the value saturating). */
function skipUvlc(r: BitReader): void {
  let zeros = 0;
  while (!r.flag()) zeros++;
  if (zeros < 32) r.bits(zeros);
}
