import { BitReader } from './bit-reader.js';
import { RemuxError } from './remux-error.js';

/** What an AudioSpecificConfig says about the stream. */
export interface AacConfig {
  /** The AudioSpecificConfig itself (ISO/IEC 14496-3 §1.6.2.1), for the `esds` DecoderSpecificInfo. */
  readonly config: Buffer;
  /** RFC 6381 §3.3 codecs parameter, `mp4a.40.<audioObjectType>`. */
  readonly codec: string;
  /** Hz; the track timescale. */
  readonly sampleRate: number;
  readonly channels: number;
  /** PCM samples per frame at `sampleRate`: 1024, or 960 when frameLengthFlag is set (§4.5.1.1). */
  readonly frameSamples: number;
}

/** samplingFrequencyIndex → Hz (ISO/IEC 14496-3 §1.6.3.4 Table 1.18). */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Object types whose GASpecificConfig opens with frameLengthFlag (§1.6.2.1 Table 1.15, §4.4.1). */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);

/**
 * Parses an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1, the body of an FLV AAC sequence header, FLV spec
 * v10.1 §E.4.2.1): object type (31 escapes to 32 + 6 bits), sampling frequency (index 15 escapes to 24 bits),
 * channel configuration and, for general audio, the frame length.
 * @throws RemuxError when it is truncated, names a reserved frequency index or has no channels.
 */
export function parseAacConfig(config: Buffer): AacConfig {
  const r = new BitReader(config, 'AAC AudioSpecificConfig');
  let objectType = r.bits(5);
  if (objectType === 31) objectType = 32 + r.bits(6);
  const index = r.bits(4);
  const sampleRate = index === 15 ? r.bits(24) : SAMPLE_RATES[index];
  if (!sampleRate) throw new RemuxError(`AAC AudioSpecificConfig has a reserved sampling frequency index ${index}`);
  const channelConfiguration = r.bits(4);
  // Configuration 0 defers to a program_config_element; 7 is 7.1 (§1.6.3.5 Table 1.19).
  const channels = channelConfiguration === 7 ? 8 : channelConfiguration === 0 ? 2 : channelConfiguration;
  const frameSamples = GA_OBJECT_TYPES.has(objectType) && r.flag() ? 960 : 1024;
  return { config, codec: `mp4a.40.${objectType}`, sampleRate, channels, frameSamples };
}
