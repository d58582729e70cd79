import { Fmp4Error, fullBoxHeader, requireBytes, type BoxView } from './box.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/**
 * RFC 6381 §3.3 codecs parameter of an AVC track, `avc1.PPCCLL`, from its AVCDecoderConfigurationRecord
 * (`avcC`, ISO/IEC 14496-15 §5.3.3.1): profile_idc, constraint flags and level_idc as hex.
 * @param entry the sample entry's four-character code ("avc1" or "avc3").
 * @throws Fmp4Error when the record is too short.
 */
export function avcCodecString(buf: Buffer, avcC: BoxView, entry: string): string {
  requireBytes(avcC, avcC.body, 4);
  const profile = buf.readUInt8(avcC.body + 1);
  const compatibility = buf.readUInt8(avcC.body + 2);
  const level = buf.readUInt8(avcC.body + 3);
  return `${entry}.${hex2(profile)}${hex2(compatibility)}${hex2(level)}`;
}

/** MPEG-4 descriptor tags used in `esds` (ISO/IEC 14496-1 §7.2.2.1). */
const DESCRIPTOR = { ES: 0x03, DECODER_CONFIG: 0x04, DECODER_SPECIFIC: 0x05 } as const;

/** Object type of MPEG-4 Audio in DecoderConfigDescriptor.objectTypeIndication (ISO/IEC 14496-1 Table 5). */
const OTI_MPEG4_AUDIO = 0x40;

interface Descriptor {
  tag: number;
  body: number;
  end: number;
}

/** Reads a descriptor header: tag and expandable size (ISO/IEC 14496-1 §8.3.3, up to 4 bytes of 7 bits). */
function readDescriptor(buf: Buffer, offset: number, end: number): Descriptor {
  if (offset >= end) throw new Fmp4Error('esds: truncated descriptor');
  const tag = buf.readUInt8(offset);
  let size = 0;
  let p = offset + 1;
  for (let i = 0; i < 4; i++) {
    if (p >= end) throw new Fmp4Error('esds: truncated descriptor size');
    const b = buf.readUInt8(p++);
    size = (size << 7) | (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  if (p + size > end) throw new Fmp4Error(`esds: descriptor 0x${hex2(tag)} runs past its box`);
  return { tag, body: p, end: p + size };
}

/**
 * RFC 6381 §3.3 codecs parameter of an MPEG-4 audio track from its `esds` box (ISO/IEC 14496-14 §5.6):
 * `mp4a.40.<audioObjectType>` for MPEG-4 Audio (ISO/IEC 14496-3 §1.6.2.1 AudioSpecificConfig, escape 31 →
 * 32 + 6 bits), `mp4a.<oti>` (hex) for other object types such as MP3 (0x6b).
 * @throws Fmp4Error when the descriptors are malformed.
 */
export function mp4aCodecString(buf: Buffer, esds: BoxView): string {
  const { fields } = fullBoxHeader(buf, esds);
  const es = readDescriptor(buf, fields, esds.end);
  if (es.tag !== DESCRIPTOR.ES) throw new Fmp4Error(`esds: expected ES_Descriptor, got tag 0x${hex2(es.tag)}`);
  requireBytes(esds, es.body, 3);
  const esFlags = buf.readUInt8(es.body + 2);
  let p = es.body + 3;
  if (esFlags & 0x80) p += 2; // dependsOn_ES_ID
  if (esFlags & 0x40) {
    requireBytes(esds, p, 1);
    p += 1 + buf.readUInt8(p); // URLlength + URLstring
  }
  if (esFlags & 0x20) p += 2; // OCR_ES_Id
  const dc = readDescriptor(buf, p, es.end);
  if (dc.tag !== DESCRIPTOR.DECODER_CONFIG)
    throw new Fmp4Error(`esds: expected DecoderConfigDescriptor, got tag 0x${hex2(dc.tag)}`);
  requireBytes(esds, dc.body, 13);
  const oti = buf.readUInt8(dc.body);
  if (oti !== OTI_MPEG4_AUDIO) return `mp4a.${hex2(oti)}`;
  const dsi = readDescriptor(buf, dc.body + 13, dc.end);
  if (dsi.tag !== DESCRIPTOR.DECODER_SPECIFIC || dsi.end - dsi.body < 1)
    throw new Fmp4Error('esds: MPEG-4 audio without AudioSpecificConfig');
  let aot = buf.readUInt8(dsi.body) >> 3;
  if (aot === 31) {
    if (dsi.end - dsi.body < 2) throw new Fmp4Error('esds: truncated AudioSpecificConfig');
    aot = 32 + ((buf.readUInt16BE(dsi.body) >> 5) & 0x3f);
  }
  return `mp4a.40.${aot}`;
}
