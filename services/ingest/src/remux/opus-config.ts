import { RemuxError } from './remux-error.js';

/** What an Opus identification header says about the stream. Opus decodes at 48 kHz whatever the input rate. */
export interface OpusConfig {
  /** The OpusHead packet itself. */
  readonly head: Buffer;
  /** Output channel count, 1…255. */
  readonly channels: number;
  /** Samples at 48 kHz to discard from the decoder output at the start (RFC 7845 §4.2). */
  readonly preSkip: number;
  /** Sample rate of the original input, Hz, informational only; 0 when unspecified. */
  readonly inputSampleRate: number;
  /** Gain to apply to the output, dB in Q7.8 fixed point (signed, 256 = +1 dB). */
  readonly outputGain: number;
  /** Channel mapping family (RFC 7845 §5.1.1): 0 mono/stereo, 1 Vorbis order, 255 undefined, … */
  readonly mappingFamily: number;
  /**
   * For families other than 0, the channel mapping table as OpusHead and `dOps` both lay it out: stream count,
   * coupled stream count, then one channel mapping byte per output channel (2 + channels bytes).
   */
  readonly mappingTable?: Buffer;
  /** RFC 6381 §3.3 codecs parameter of Opus in ISO BMFF: the sample entry's `Opus`, lower-cased. */
  readonly codec: 'opus';
}

/** Bytes of an OpusHead before the channel mapping table (RFC 7845 §5.1). */
const HEAD_BYTES = 19;
/** "OpusHead" magic signature. */
const MAGIC = Buffer.from('OpusHead', 'latin1');

/**
 * Parses an Opus identification header, OpusHead (RFC 7845 §5.1; the body of an Enhanced RTMP `Opus` audio
 * SequenceStart, veovera enhanced-rtmp v2 "ExAudioTagBody"): magic signature, version, output channel count,
 * pre-skip, input sample rate and output gain (little-endian), mapping family and, for families other than 0,
 * the channel mapping table (§5.1.1). Trailing bytes after the table are ignored, as §5.1 allows.
 * @throws RemuxError when the header is truncated, lacks the magic, has a version outside 1…15 (a major version
 *   other than 0), no channels, family 0 with over 2 channels or family 1 with over 8, or an inconsistent mapping
 *   table (no streams, more coupled streams than streams, over 255 in all, an index past the decoded channels).
 */
export function opusConfigFromHead(head: Buffer): OpusConfig {
  if (head.length < HEAD_BYTES || !head.subarray(0, 8).equals(MAGIC))
    throw new RemuxError('Opus sequence start is not an OpusHead');
  const version = head.readUInt8(8);
  if (version === 0 || version > 15) throw new RemuxError(`OpusHead version ${version} is not supported`);
  const channels = head.readUInt8(9);
  if (channels === 0) throw new RemuxError('OpusHead has no channels');
  const mappingFamily = head.readUInt8(18);
  const config = {
    head,
    channels,
    preSkip: head.readUInt16LE(10),
    inputSampleRate: head.readUInt32LE(12),
    outputGain: head.readInt16LE(16),
    mappingFamily,
    codec: 'opus' as const,
  };
  if (mappingFamily === 0) {
    if (channels > 2) throw new RemuxError(`OpusHead mapping family 0 with ${channels} channels`);
    return config;
  }
  if (mappingFamily === 1 && channels > 8) throw new RemuxError(`OpusHead mapping family 1 with ${channels} channels`);
  if (head.length < HEAD_BYTES + 2 + channels) throw new RemuxError('OpusHead channel mapping table is truncated');
  const mappingTable = head.subarray(HEAD_BYTES, HEAD_BYTES + 2 + channels);
  const streams = mappingTable.readUInt8(0);
  const coupled = mappingTable.readUInt8(1);
  if (streams === 0 || coupled > streams || streams + coupled > 255)
    throw new RemuxError(`OpusHead has ${streams} streams of which ${coupled} coupled`);
  for (const index of mappingTable.subarray(2))
    if (index !== 255 && index >= streams + coupled)
      throw new RemuxError(`OpusHead maps a channel to decoded channel ${index} of ${streams + coupled}`);
  return { ...config, mappingTable };
}

/** Frame length of each TOC configuration number (RFC 6716 §3.1, Table 2), in 48 kHz samples. */
const OPUS_FRAME_SAMPLES = [
  ...[480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880], // SILK-only NB, MB, WB: 10/20/40/60 ms
  ...[480, 960, 480, 960], // Hybrid SWB, FB: 10/20 ms
  ...[120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960], // CELT-only: 2.5/5/10/20 ms
];

/**
 * The duration of an Opus packet in 48 kHz samples, from its TOC byte (RFC 6716 §3.1: configuration number and
 * frame count code) and, for code 3, the frame count byte (§3.2.5). Of a multistream packet the first stream's
 * packet tells, since all last as long (RFC 7845 §5.1.1).
 * @throws RemuxError for an empty packet or a code 3 packet without its frame count byte.
 */
export function opusPacketSamples(packet: Buffer): number {
  const toc = packet[0];
  if (toc === undefined) throw new RemuxError('empty Opus packet');
  const frameSamples = OPUS_FRAME_SAMPLES[toc >> 3] ?? 960;
  switch (toc & 0x03) {
    case 0:
      return frameSamples;
    case 1:
    case 2:
      return 2 * frameSamples;
    default: {
      const count = packet[1];
      if (count === undefined) throw new RemuxError('Opus code 3 packet without its frame count');
      return (count & 0x3f) * frameSamples;
    }
  }
}
