import { BitReader, unescapeRbsp } from './bit-reader.js';
import { RemuxError } from './remux-error.js';

/** What an HEVCDecoderConfigurationRecord says about the stream. */
export interface HevcConfig {
  /** The record itself, the body of the `hvcC` box (ISO/IEC 14496-15 §8.3.3.1). */
  readonly record: Buffer;
  /** Codecs parameter of ISO/IEC 14496-15 Annex E.3 (RFC 6381 §3.3), e.g. `hvc1.1.6.L93.B0`. */
  readonly codec: string;
  /** Picture size inside the conformance window, pixels. */
  readonly width: number;
  readonly height: number;
}

/** Bytes of the record before numOfArrays (§8.3.3.1.2). */
const RECORD_HEAD_BYTES = 22;
/** nal_unit_type of a sequence parameter set (ITU-T H.265 Table 7-1). */
const SPS_NAL_TYPE = 33;
/** general_profile_space 0…3 as the codecs parameter writes it (Annex E.3). */
const PROFILE_SPACES = ['', 'A', 'B', 'C'] as const;

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/**
 * Parses an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1.2; the body of an Enhanced RTMP `hvc1`
 * SequenceStart, veovera enhanced-rtmp v2 "ExVideoTagBody") for the codecs parameter (Annex E.3, from the
 * record's general profile, tier, level and constraint fields) and, from the first base-layer SPS in its arrays
 * (ITU-T H.265 §7.3.2.2.1), the picture size inside the conformance window (§7.4.3.2.1).
 * @throws RemuxError when the record or its SPS is truncated or malformed, or the record holds no SPS.
 */
export function parseHevcConfig(record: Buffer): HevcConfig {
  if (record.length < RECORD_HEAD_BYTES + 1 || record[0] !== 1)
    throw new RemuxError('HEVC sequence start is not an hvcC record');
  const { width, height } = spsPictureSize(firstSps(record));
  return { record, codec: codecString(record), width, height };
}

/** `hvc1.<space><profile>.<compatibility>.<tier><level>[.<constraint byte>…]` (Annex E.3). */
function codecString(record: Buffer): string {
  const first = record.readUInt8(1);
  const compatibility = record.readUInt32BE(2);
  // The compatibility flags are written in reverse bit order: flag 0 (the record's top bit) lowest.
  let reversed = 0;
  for (let i = 0; i < 32; i++) reversed = reversed * 2 + (Math.floor(compatibility / 2 ** i) % 2);
  const constraints = [...record.subarray(6, 12)];
  while (constraints.at(-1) === 0) constraints.pop();
  return [
    'hvc1',
    `${PROFILE_SPACES[first >> 6]}${first & 0x1f}`,
    reversed.toString(16).toUpperCase(),
    `${first & 0x20 ? 'H' : 'L'}${record.readUInt8(12)}`,
    ...constraints.map(hex2),
  ].join('.');
}

/** The first SPS NAL unit with nuh_layer_id 0 in the record's arrays (§8.3.3.1.2), header bytes included. */
function firstSps(record: Buffer): Buffer {
  const arrays = record.readUInt8(RECORD_HEAD_BYTES);
  let p = RECORD_HEAD_BYTES + 1;
  for (let a = 0; a < arrays; a++) {
    if (p + 3 > record.length) throw new RemuxError('HEVC sequence start arrays are truncated');
    const type = record.readUInt8(p) & 0x3f;
    const count = record.readUInt16BE(p + 1);
    p += 3;
    for (let n = 0; n < count; n++) {
      if (p + 2 > record.length) throw new RemuxError('HEVC sequence start NAL units are truncated');
      const length = record.readUInt16BE(p);
      if (p + 2 + length > record.length) throw new RemuxError('HEVC sequence start NAL unit runs past the record');
      const nal = record.subarray(p + 2, p + 2 + length);
      p += 2 + length;
      // nal_unit_header (§7.3.1.2): forbidden_zero_bit, nal_unit_type(6), nuh_layer_id(6), nuh_temporal_id_plus1(3).
      const layerId = nal.length >= 2 ? ((nal.readUInt8(0) & 1) << 5) | (nal.readUInt8(1) >> 3) : -1;
      if (type === SPS_NAL_TYPE && layerId === 0) return nal;
    }
  }
  throw new RemuxError('HEVC sequence start without an SPS');
}

/** The conformance-window size an SPS NAL unit (2-byte header included) describes (§7.3.2.2.1, §7.4.3.2.1). */
function spsPictureSize(nal: Buffer): { width: number; height: number } {
  const r = new BitReader(unescapeRbsp(nal.subarray(2)), 'HEVC SPS');
  r.bits(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  if (maxSubLayersMinus1 > 6) throw new RemuxError('HEVC SPS has more than 7 sub-layers');
  r.bits(1); // sps_temporal_id_nesting_flag
  skipProfileTierLevel(r, maxSubLayersMinus1);
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormat = r.ue();
  if (chromaFormat > 3) throw new RemuxError(`HEVC SPS has a reserved chroma_format_idc ${chromaFormat}`);
  const separateColourPlanes = chromaFormat === 3 && r.flag();
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  let [left, right, top, bottom] = [0, 0, 0, 0];
  if (r.flag()) [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
  // Table 6-1: SubWidthC / SubHeightC; monochrome and separate colour planes crop in luma samples.
  const chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
  const subWidth = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeight = chromaArrayType === 1 ? 2 : 1;
  const width = codedWidth - subWidth * (left + right);
  const height = codedHeight - subHeight * (top + bottom);
  if (width <= 0 || height <= 0) throw new RemuxError('HEVC SPS crops the picture to nothing');
  return { width, height };
}

/** profile_tier_level(1, maxNumSubLayersMinus1) (§7.3.3): general fields, then each sub-layer's present ones. */
function skipProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): void {
  // general_profile_space … general_inbld_flag / reserved bit (88 bits), general_level_idc (8).
  r.bits(32);
  r.bits(32);
  r.bits(32);
  const present: Array<{ profile: boolean; level: boolean }> = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push({ profile: r.flag(), level: r.flag() });
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) r.bits(2); // reserved_zero_2bits
  for (const sub of present) {
    if (sub.profile) {
      // sub_layer_profile_space … sub_layer_inbld_flag / reserved bit: 88 bits.
      r.bits(32);
      r.bits(32);
      r.bits(24);
    }
    if (sub.level) r.bits(8); // sub_layer_level_idc
  }
}
