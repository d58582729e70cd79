import { BitReader, unescapeRbsp } from './bit-reader.js';
import { RemuxError } from './remux-error.js';

/** What an AVCDecoderConfigurationRecord says about the stream. */
export interface AvcConfig {
  /** The record itself, the body of the `avcC` box (ISO/IEC 14496-15 §5.3.3.1). */
  readonly record: Buffer;
  /** RFC 6381 §3.3 codecs parameter, `avc1.PPCCLL`. */
  readonly codec: string;
  /** Picture size after cropping, pixels. */
  readonly width: number;
  readonly height: number;
}

/** profile_idc values whose SPS carries chroma_format_idc and the bit depths (ITU-T H.264 §7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/**
 * Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1, the body of an FLV AVC sequence header,
 * FLV spec v10.1 §E.4.3.1) and its first SPS (ITU-T H.264 §7.3.2.1.1) for the cropped picture size.
 * @throws RemuxError when the record or its SPS is truncated or malformed.
 */
export function parseAvcConfig(record: Buffer): AvcConfig {
  if (record.length < 8 || record[0] !== 1) throw new RemuxError('AVC sequence header is not an avcC record');
  const spsCount = (record[5] ?? 0) & 0x1f;
  if (spsCount === 0) throw new RemuxError('AVC sequence header without an SPS');
  const spsLength = record.readUInt16BE(6);
  if (spsLength < 4 || 8 + spsLength > record.length) throw new RemuxError('AVC sequence header SPS is truncated');
  const { width, height } = spsPictureSize(record.subarray(8, 8 + spsLength));
  const codec = `avc1.${hex2(record[1] ?? 0)}${hex2(record[2] ?? 0)}${hex2(record[3] ?? 0)}`;
  return { record, codec, width, height };
}

/** The cropped picture size an SPS NAL unit (header byte included) describes (§7.4.2.1.1 frame cropping). */
function spsPictureSize(nal: Buffer): { width: number; height: number } {
  const r = new BitReader(unescapeRbsp(nal.subarray(1)), 'H.264 SPS');
  const profile = r.bits(8);
  r.bits(16); // constraint flags, level_idc
  r.ue(); // seq_parameter_set_id
  let chromaFormat = 1;
  if (HIGH_PROFILES.has(profile)) {
    chromaFormat = r.ue();
    if (chromaFormat === 3) r.bits(1); // separate_colour_plane_flag
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.bits(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bits(1);
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new RemuxError('H.264 SPS has an out-of-range POC cycle');
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bits(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bits(1);
  if (!frameMbsOnly) r.bits(1); // mb_adaptive_frame_field_flag
  r.bits(1); // direct_8x8_inference_flag
  let [left, right, top, bottom] = [0, 0, 0, 0];
  if (r.flag()) [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
  // Table 6-1: SubWidthC / SubHeightC per chroma_format_idc; monochrome crops in luma samples.
  const cropX = chromaFormat === 0 || chromaFormat === 3 ? 1 : 2;
  const cropY = (chromaFormat === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropX * (left + right);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (top + bottom);
  if (width <= 0 || height <= 0) throw new RemuxError('H.264 SPS crops the picture to nothing');
  return { width, height };
}

/** scaling_list() (§7.3.2.1.1.1): only its delta_scale codes are read. */
function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}
