import type { AacConfig } from './aac-config.js';
import type { Av1Config } from './av1-config.js';
import type { AvcConfig } from './avc-config.js';
import type { HevcConfig } from './hevc-config.js';
import { box, fullBox, u16, u32, u8, zeros } from './mp4-box.js';
import type { OpusConfig } from './opus-config.js';
import type { Vp9Config } from './vp9-config.js';

/**
 * An `avc1` VisualSampleEntry (ISO/IEC 14496-12 §12.1.3) carrying the publisher's AVCDecoderConfigurationRecord
 * as its `avcC` box (ISO/IEC 14496-15 §5.4.2.1). Parameter sets stay out of band, as in every sample entry of
 * type avc1.
 */
export function avc1Entry(avc: AvcConfig): Buffer {
  return visualSampleEntry('avc1', avc.width, avc.height, box('avcC', avc.record));
}

/**
 * An `hvc1` VisualSampleEntry (ISO/IEC 14496-12 §12.1.3) carrying the publisher's HEVCDecoderConfigurationRecord
 * as its `hvcC` box (ISO/IEC 14496-15 §8.4.1), the sample entry Enhanced RTMP's FourCC names. Size in pixels,
 * from the SPS conformance window. §8.4.1 keeps parameter sets out of the samples of an `hvc1` track, so a
 * publisher that repeats them in its key frames strictly makes an `hev1` stream.
 */
export function hvc1Entry(hevc: HevcConfig): Buffer {
  return visualSampleEntry('hvc1', hevc.width, hevc.height, box('hvcC', hevc.record));
}

/**
 * An `av01` VisualSampleEntry (AV1-ISOBMFF §2.2) carrying the publisher's AV1CodecConfigurationRecord as its
 * `av1C` box (§2.3, a plain Box). Size in pixels: the sequence header's maximum frame size.
 */
export function av01Entry(av1: Av1Config): Buffer {
  return visualSampleEntry('av01', av1.width, av1.height, box('av1C', av1.record));
}

/**
 * A `vp09` VisualSampleEntry ("VP Codec ISO Media File Format Binding" §2.1) with its `vpcC`, a FullBox of
 * version 1 and flags 0 around the VPCodecConfigurationRecord (§2.2), whichever form the publisher sent it in.
 * @param width picture size in pixels, e.g. from `vp9FrameSize` of the first key frame (a VP9 record has none).
 */
export function vp09Entry(vp9: Vp9Config, width: number, height: number): Buffer {
  return visualSampleEntry('vp09', width, height, fullBox('vpcC', 1, 0, vp9.configuration));
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

/**
 * An `Opus` AudioSampleEntry ("Encapsulation of Opus in ISO Base Media File Format" §4.3.1: channelcount the output
 * channel count, samplesize 16, samplerate 48000 in 16.16) with its `dOps` OpusSpecificBox (§4.3.2): the OpusHead
 * fields big-endian (OpusHead is little-endian), Version 0, and the mapping table for families other than 0.
 */
export function opusEntry(opus: OpusConfig): Buffer {
  const dOps = box(
    'dOps',
    u8(0), // Version
    u8(opus.channels), // OutputChannelCount
    u16(opus.preSkip),
    u32(opus.inputSampleRate),
    u16(opus.outputGain), // signed, two's complement
    u8(opus.mappingFamily),
    ...(opus.mappingFamily !== 0 && opus.mappingTable ? [opus.mappingTable] : []),
  );
  return box(
    'Opus',
    zeros(6), // reserved
    u16(1), // data_reference_index
    zeros(8), // reserved
    u16(opus.channels),
    u16(16), // samplesize
    zeros(4), // pre_defined, reserved
    u32(48000 * 0x1_0000), // samplerate 48 kHz, 16.16
    dOps,
  );
}

/**
 * A VisualSampleEntry (ISO/IEC 14496-12 §12.1.3) of `type`: the fixed fields with the picture size in pixels,
 * then the codec's boxes.
 */
function visualSampleEntry(type: string, width: number, height: number, ...boxes: readonly Buffer[]): Buffer {
  return box(
    type,
    zeros(6), // reserved
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved, pre_defined[3]
    u16(width),
    u16(height),
    u32(0x0048_0000), // horizresolution 72 dpi
    u32(0x0048_0000), // vertresolution 72 dpi
    u32(0), // reserved
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x0018), // depth: colour, no alpha
    u16(0xffff), // pre_defined = -1
    ...boxes,
  );
}

/** A descriptor (ISO/IEC 14496-1 §8.3.3): tag, expandable size (7 bits a byte), payload. */
function descriptor(tag: number, ...payload: readonly Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const sizeBytes: number[] = [body.length & 0x7f];
  for (let n = body.length >> 7; n > 0; n >>= 7) sizeBytes.unshift(0x80 | (n & 0x7f));
  return Buffer.concat([u8(tag), Buffer.from(sizeBytes), body]);
}
