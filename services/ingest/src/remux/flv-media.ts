import { parseAacConfig, type AacConfig } from './aac-config.js';
import { parseAv1Config, type Av1Config } from './av1-config.js';
import { parseAvcConfig, type AvcConfig } from './avc-config.js';
import { parseHevcConfig, type HevcConfig } from './hevc-config.js';
import { opusConfigFromHead, type OpusConfig } from './opus-config.js';
import { RemuxError } from './remux-error.js';
import { parseVp9Config, type Vp9Config } from './vp9-config.js';

/** A video decoder configuration, by the FourCC of its codec (enhanced-rtmp v2 "VideoFourCc"). */
export type VideoConfig =
  | { readonly codec: 'avc1'; readonly config: AvcConfig }
  | { readonly codec: 'hvc1'; readonly config: HevcConfig }
  | { readonly codec: 'av01'; readonly config: Av1Config }
  | { readonly codec: 'vp09'; readonly config: Vp9Config };

/** An audio decoder configuration, by the FourCC of its codec (enhanced-rtmp v2 "AudioFourCc"). */
export type AudioConfig =
  { readonly codec: 'mp4a'; readonly config: AacConfig } | { readonly codec: 'Opus'; readonly config: OpusConfig };

/** What one VIDEODATA body carries (FLV spec v10.1 §E.4.3.1, enhanced-rtmp v2 ExVideoTagHeader/Body). */
export type FlvVideo =
  | { readonly kind: 'config'; readonly config: VideoConfig }
  /**
   * Sample bytes as MP4 stores them: length-prefixed NAL units (AVC, HEVC), a temporal unit of OBUs (AV1), a
   * frame (VP9).
   */
  | {
      readonly kind: 'frame';
      readonly codec: VideoConfig['codec'];
      readonly keyframe: boolean;
      readonly compositionMs: number;
      readonly data: Buffer;
    }
  | { readonly kind: 'end' }
  /** Carries no picture of the default track: a command frame, metadata, another track, an empty packet. */
  | { readonly kind: 'skip' };

/** What one AUDIODATA body carries (FLV spec v10.1 §E.4.2.1, enhanced-rtmp v2 ExAudioTagHeader/Body). */
export type FlvAudio =
  | { readonly kind: 'config'; readonly config: AudioConfig }
  /** One access unit: a raw AAC frame, or the Opus packet(s) of one duration. */
  | { readonly kind: 'frame'; readonly codec: AudioConfig['codec']; readonly data: Buffer }
  /** A format the source rendition does not carry (legacy SoundFormats but AAC; AC-3, E-AC-3, FLAC, MP3). */
  | { readonly kind: 'unsupported'; readonly format: string }
  | { readonly kind: 'skip' };

/** Legacy CodecID 7 = AVC; FrameType 1 = key frame, 5 = video info/command frame (§E.4.3.1). */
const AVC = 7;
const FRAME_TYPE = { KEY: 1, COMMAND: 5 } as const;
/** Legacy AVCPacketType (§E.4.3.1). */
const AVC_PACKET = { SEQUENCE_HEADER: 0, NALU: 1, END_OF_SEQUENCE: 2 } as const;
/** Legacy SoundFormat 10 = AAC; 9 = ExHeader, the enhanced audio header (enhanced-rtmp v2). */
const SOUND_FORMAT = { AAC: 10, EX_HEADER: 9 } as const;
/** VideoPacketType (enhanced-rtmp v2). */
const VIDEO_PACKET = {
  SEQUENCE_START: 0,
  CODED_FRAMES: 1,
  SEQUENCE_END: 2,
  CODED_FRAMES_X: 3,
  METADATA: 4,
  MPEG2TS_SEQUENCE_START: 5,
  MULTITRACK: 6,
  MOD_EX: 7,
} as const;
/** AudioPacketType (enhanced-rtmp v2). */
const AUDIO_PACKET = {
  SEQUENCE_START: 0,
  CODED_FRAMES: 1,
  SEQUENCE_END: 2,
  MULTICHANNEL_CONFIG: 4,
  MULTITRACK: 5,
  MOD_EX: 7,
} as const;
/** AvMultitrackType (enhanced-rtmp v2). */
const MULTITRACK = { ONE_TRACK: 0, MANY_TRACKS: 1, MANY_TRACKS_MANY_CODECS: 2 } as const;
/** The track used of a multitrack publish: trackId 0, the default track by the spec's convention. */
const DEFAULT_TRACK = 0;

/**
 * Parses a VIDEODATA body. Legacy: FrameType, CodecID and, for AVC, the AVCVIDEOPACKET (AVCPacketType,
 * CompositionTime as SI24 ms, then the configuration record or the NAL units). Enhanced (IsExHeader set): ModEx
 * signals are stepped over, then the FourCC (`avc1`, `hvc1`, `av01`, `vp09`) and VideoPacketType: SequenceStart
 * (the codec's configuration record), CodedFrames (with a CompositionTime for AVC and HEVC), CodedFramesX,
 * SequenceEnd; Metadata and command frames carry no picture. Of a multitrack message only trackId 0 is taken.
 * @throws RemuxError when the body is empty or truncated, names a codec the source rendition cannot carry, or its
 *   configuration record is malformed.
 */
export function parseFlvVideo(body: Buffer): FlvVideo {
  const first = body[0];
  if (first === undefined) throw new RemuxError('empty video message');
  const frameType = (first >> 4) & 0x07;
  if (first & 0x80) return parseExVideo(body, frameType, first & 0x0f);
  if (frameType === FRAME_TYPE.COMMAND) return { kind: 'skip' };
  const codecId = first & 0x0f;
  if (codecId !== AVC) throw new RemuxError(`video CodecID ${codecId} is not supported (AVC, or enhanced RTMP)`);
  if (body.length < 5) throw new RemuxError('AVC video message is truncated');
  switch (body[1]) {
    case AVC_PACKET.SEQUENCE_HEADER:
      return { kind: 'config', config: { codec: 'avc1', config: parseAvcConfig(body.subarray(5)) } };
    case AVC_PACKET.NALU:
      if (body.length === 5) return { kind: 'skip' };
      return frame('avc1', frameType, body.readIntBE(2, 3), body.subarray(5));
    case AVC_PACKET.END_OF_SEQUENCE:
      return { kind: 'end' };
    default:
      throw new RemuxError(`unknown AVCPacketType ${body[1]}`);
  }
}

function parseExVideo(body: Buffer, frameType: number, firstPacketType: number): FlvVideo {
  const r = new ExReader(body, 'enhanced video message');
  const packetType = r.skipModEx(firstPacketType, VIDEO_PACKET.MOD_EX);
  if (frameType === FRAME_TYPE.COMMAND && packetType !== VIDEO_PACKET.METADATA) return { kind: 'skip' };
  if (packetType !== VIDEO_PACKET.MULTITRACK) return exVideoBody(r.fourCc(), packetType, frameType, r.rest());
  const track = r.defaultTrack();
  return track ? exVideoBody(track.fourCc, track.packetType, frameType, track.body) : { kind: 'skip' };
}

function exVideoBody(fourCc: string, packetType: number, frameType: number, body: Buffer): FlvVideo {
  switch (packetType) {
    case VIDEO_PACKET.SEQUENCE_START:
      return { kind: 'config', config: videoConfig(fourCc, body) };
    case VIDEO_PACKET.CODED_FRAMES: {
      const codec = videoCodec(fourCc);
      if (codec !== 'avc1' && codec !== 'hvc1')
        return body.length > 0 ? frame(codec, frameType, 0, body) : { kind: 'skip' };
      if (body.length < 3) throw new RemuxError(`${fourCc} coded frames are truncated`);
      return body.length > 3 ? frame(codec, frameType, body.readIntBE(0, 3), body.subarray(3)) : { kind: 'skip' };
    }
    case VIDEO_PACKET.CODED_FRAMES_X:
      return body.length > 0 ? frame(videoCodec(fourCc), frameType, 0, body) : { kind: 'skip' };
    case VIDEO_PACKET.SEQUENCE_END:
      return { kind: 'end' };
    case VIDEO_PACKET.METADATA:
    case VIDEO_PACKET.MPEG2TS_SEQUENCE_START:
      return { kind: 'skip' };
    default:
      throw new RemuxError(`unknown VideoPacketType ${packetType}`);
  }
}

function frame(codec: VideoConfig['codec'], frameType: number, compositionMs: number, data: Buffer): FlvVideo {
  return { kind: 'frame', codec, keyframe: frameType === FRAME_TYPE.KEY, compositionMs, data };
}

function videoCodec(fourCc: string): VideoConfig['codec'] {
  if (fourCc === 'avc1' || fourCc === 'hvc1' || fourCc === 'av01' || fourCc === 'vp09') return fourCc;
  throw new RemuxError(`video FourCC ${JSON.stringify(fourCc)} is not supported (avc1, hvc1, av01, vp09)`);
}

function videoConfig(fourCc: string, record: Buffer): VideoConfig {
  const codec = videoCodec(fourCc);
  switch (codec) {
    case 'avc1':
      return { codec, config: parseAvcConfig(record) };
    case 'hvc1':
      return { codec, config: parseHevcConfig(record) };
    case 'av01':
      return { codec, config: parseAv1Config(record) };
    case 'vp09':
      return { codec, config: parseVp9Config(record) };
  }
}

/**
 * Parses an AUDIODATA body. Legacy: SoundFormat and, for AAC, the AACAUDIODATA (AACPacketType, then the
 * AudioSpecificConfig or a raw frame). Enhanced (SoundFormat 9): ModEx signals stepped over, the FourCC and
 * AudioPacketType: SequenceStart (AudioSpecificConfig for `mp4a`, the OpusHead for `Opus`), CodedFrames,
 * SequenceEnd, MultichannelConfig; of a multitrack message only trackId 0 is taken.
 * @throws RemuxError when the body is empty or truncated, or its configuration is malformed.
 */
export function parseFlvAudio(body: Buffer): FlvAudio {
  const first = body[0];
  if (first === undefined) throw new RemuxError('empty audio message');
  const soundFormat = first >> 4;
  if (soundFormat === SOUND_FORMAT.EX_HEADER) return parseExAudio(body, first & 0x0f);
  if (soundFormat !== SOUND_FORMAT.AAC) return { kind: 'unsupported', format: `SoundFormat ${soundFormat}` };
  if (body.length < 2) throw new RemuxError('AAC audio message is truncated');
  if (body[1] === 0) return { kind: 'config', config: { codec: 'mp4a', config: parseAacConfig(body.subarray(2)) } };
  return body.length > 2 ? { kind: 'frame', codec: 'mp4a', data: body.subarray(2) } : { kind: 'skip' };
}

function parseExAudio(body: Buffer, firstPacketType: number): FlvAudio {
  const r = new ExReader(body, 'enhanced audio message');
  const packetType = r.skipModEx(firstPacketType, AUDIO_PACKET.MOD_EX);
  if (packetType !== AUDIO_PACKET.MULTITRACK) return exAudioBody(r.fourCc(), packetType, r.rest());
  const track = r.defaultTrack();
  return track ? exAudioBody(track.fourCc, track.packetType, track.body) : { kind: 'skip' };
}

function exAudioBody(fourCc: string, packetType: number, body: Buffer): FlvAudio {
  if (fourCc !== 'mp4a' && fourCc !== 'Opus') return { kind: 'unsupported', format: fourCc };
  switch (packetType) {
    case AUDIO_PACKET.SEQUENCE_START:
      return fourCc === 'mp4a'
        ? { kind: 'config', config: { codec: 'mp4a', config: parseAacConfig(body) } }
        : {
            kind: 'config',
            config: { codec: 'Opus', config: opusConfigFromHead(body.length > 0 ? body : STEREO_OPUS_HEAD) },
          };
    case AUDIO_PACKET.CODED_FRAMES:
      return body.length > 0 ? { kind: 'frame', codec: fourCc, data: body } : { kind: 'skip' };
    case AUDIO_PACKET.SEQUENCE_END:
    case AUDIO_PACKET.MULTICHANNEL_CONFIG:
      return { kind: 'skip' };
    default:
      throw new RemuxError(`unknown AudioPacketType ${packetType}`);
  }
}

/**
 * The OpusHead of an empty Opus SequenceStart, which enhanced-rtmp v2 reads as mono/stereo: stereo, no pre-skip,
 * 48 kHz, mapping family 0 (RFC 7845 §5.1).
 */
const STEREO_OPUS_HEAD = Buffer.concat([
  Buffer.from('OpusHead', 'latin1'),
  Buffer.from([1, 2, 0, 0, 0x80, 0xbb, 0, 0, 0, 0, 0]),
]);

/** Reads the parts of an enhanced header both media types share: ModEx, FourCC, multitrack framing. */
class ExReader {
  private p = 1;

  constructor(
    private readonly body: Buffer,
    private readonly what: string,
  ) {}

  /** Steps over ModEx signals (size, data, then ModExType and the next packet type in one byte). */
  skipModEx(packetType: number, modEx: number): number {
    let type = packetType;
    while (type === modEx) {
      let size = this.u8() + 1;
      if (size === 256) size = this.u16() + 1;
      this.need(size);
      this.p += size;
      type = this.u8() & 0x0f;
    }
    return type;
  }

  fourCc(): string {
    this.need(4);
    const s = this.body.toString('latin1', this.p, this.p + 4);
    this.p += 4;
    return s;
  }

  rest(): Buffer {
    return this.body.subarray(this.p);
  }

  /**
   * Of a Multitrack message (AvMultitrackType and the packet type of its tracks, the FourCC unless each track has
   * its own, then per track its id and, unless it is the only one, its size): the default track, if present.
   */
  defaultTrack(): { fourCc: string; packetType: number; body: Buffer } | undefined {
    const b = this.u8();
    const [multitrack, packetType] = [b >> 4, b & 0x0f];
    if (multitrack > MULTITRACK.MANY_TRACKS_MANY_CODECS)
      throw new RemuxError(`${this.what}: unknown AvMultitrackType ${multitrack}`);
    const shared = multitrack !== MULTITRACK.MANY_TRACKS_MANY_CODECS ? this.fourCc() : undefined;
    while (this.p < this.body.length) {
      const fourCc = shared ?? this.fourCc();
      const trackId = this.u8();
      let end = this.body.length;
      if (multitrack !== MULTITRACK.ONE_TRACK) {
        this.need(3);
        end = this.p + 3 + this.body.readUIntBE(this.p, 3);
        this.p += 3;
        if (end > this.body.length) throw new RemuxError(`${this.what}: track ${trackId} runs past the message`);
      }
      const body = this.body.subarray(this.p, end);
      this.p = end;
      if (trackId === DEFAULT_TRACK) return { fourCc, packetType, body };
    }
    return undefined;
  }

  private u8(): number {
    this.need(1);
    return this.body.readUInt8(this.p++);
  }

  private u16(): number {
    this.need(2);
    const v = this.body.readUInt16BE(this.p);
    this.p += 2;
    return v;
  }

  private need(bytes: number): void {
    if (this.p + bytes > this.body.length) throw new RemuxError(`${this.what} is truncated`);
  }
}
