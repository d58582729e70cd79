import type { AacConfig } from './aac-config.js';
import type { AvcConfig } from './avc-config.js';
import { box, fullBox, u16, u32, u8, zeros } from './mp4-box.js';

/**
 * An `avc1` VisualSampleEntry (ISO/IEC 14496-12 §12.1.3) carrying the publisher's AVCDecoderConfigurationRecord
 * as its `avcC` box (ISO/IEC 14496-15 §5.4.2.1). Parameter sets stay out of band, as in every sample entry of
 * type avc1.
 */
export function avc1Entry(avc: AvcConfig): Buffer {
  return box(
    'avc1',
    zeros(6), // reserved
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved, pre_defined[3]
    u16(avc.width),
    u16(avc.height),
    u32(0x0048_0000), // horizresolution 72 dpi
    u32(0x0048_0000), // vertresolution 72 dpi
    u32(0), // reserved
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x0018), // depth: colour, no alpha
    u16(0xffff), // pre_defined = -1
    box('avcC', avc.record),
  );
}

/**
 * An `mp4a` AudioSampleEntry (ISO/IEC 14496-12 §12.2.3, ISO/IEC 14496-14 §5.6) with its `esds`: an
 * ES_Descriptor holding a DecoderConfigDescriptor for MPEG-4 Audio (objectTypeIndication 0x40, streamType 5)
 * and the AudioSpecificConfig as DecoderSpecificInfo (ISO/IEC 14496-1 §7.2.6.5-7).
 */
export function mp4aEntry(aac: AacConfig): Buffer {
  const decoderSpecific = descriptor(0x05, aac.config);
  const decoderConfig = descriptor(
    0x04,
    u8(0x40), // objectTypeIndication: MPEG-4 Audio
    u8((0x05 << 2) | 1), // streamType AudioStream, upStream 0, reserved 1
    zeros(3), // bufferSizeDB
    u32(0), // maxBitrate
    u32(0), // avgBitrate
    decoderSpecific,
  );
  const slConfig = descriptor(0x06, u8(0x02)); // predefined: reserved for MP4 files
  const es = descriptor(0x03, u16(0), u8(0), decoderConfig, slConfig); // ES_ID 0 as stored in files, no flags
  return box(
    'mp4a',
    zeros(6), // reserved
    u16(1), // data_reference_index
    zeros(8), // reserved
    u16(aac.channels),
    u16(16), // samplesize
    zeros(4), // pre_defined, reserved
    u32(aac.sampleRate > 0xffff ? 0 : aac.sampleRate * 0x1_0000), // 16.16; rates over 65535 Hz live in the ASC
    fullBox('esds', 0, 0, es),
  );
}

/** A descriptor (ISO/IEC 14496-1 §8.3.3): tag, expandable size (7 bits a byte), payload. */
function descriptor(tag: number, ...payload: readonly Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const sizeBytes: number[] = [body.length & 0x7f];
  for (let n = body.length >> 7; n > 0; n >>= 7) sizeBytes.unshift(0x80 | (n & 0x7f));
  return Buffer.concat([u8(tag), Buffer.from(sizeBytes), body]);
}
