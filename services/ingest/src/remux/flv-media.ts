import { parseAacConfig, type AacConfig } from './aac-config.js';
import { parseAvcConfig, type AvcConfig } from './avc-config.js';
import { RemuxError } from './remux-error.js';

/** What one VIDEODATA body (FLV spec v10.1 §E.4.3.1) carries. */
export type FlvVideo =
  | { readonly kind: 'config'; readonly config: AvcConfig }
  /** Sample bytes as MP4 stores them: NAL units, each behind its length (avcC lengthSizeMinusOne + 1 bytes). */
  | { readonly kind: 'frame'; readonly keyframe: boolean; readonly compositionMs: number; readonly data: Buffer }
  | { readonly kind: 'end' }
  /** Carries no picture: a video info/command frame (FrameType 5) or an empty NALU packet. */
  | { readonly kind: 'skip' };

/** What one AUDIODATA body (FLV spec v10.1 §E.4.2.1) carries. */
export type FlvAudio =
  | { readonly kind: 'config'; readonly config: AacConfig }
  /** One raw AAC frame (an access unit without ADTS header). */
  | { readonly kind: 'frame'; readonly data: Buffer }
  /** A SoundFormat the source rendition does not carry (only AAC does). */
  | { readonly kind: 'unsupported'; readonly soundFormat: number };

/** CodecID 7 = AVC; FrameType 1 = key frame, 5 = video info/command frame (§E.4.3.1). */
const AVC = 7;
const FRAME_TYPE = { KEY: 1, COMMAND: 5 } as const;
/** AVCPacketType (§E.4.3.1). */
const AVC_PACKET = { SEQUENCE_HEADER: 0, NALU: 1, END_OF_SEQUENCE: 2 } as const;
/** SoundFormat 10 = AAC; AACPacketType 0 = sequence header (§E.4.2.1). */
const AAC = 10;

/**
 * Parses a VIDEODATA body: FrameType, CodecID and for AVC the AVCVIDEOPACKET (AVCPacketType, CompositionTime as
 * SI24 ms, then the decoder configuration record or the NAL units).
 * @throws RemuxError when the body is empty or truncated, the codec is not AVC, or the sequence header is bad.
 */
export function parseFlvVideo(body: Buffer): FlvVideo {
  const first = body[0];
  if (first === undefined) throw new RemuxError('empty video message');
  const frameType = (first >> 4) & 0x07;
  if (first & 0x80) throw new RemuxError('enhanced RTMP video is not supported');
  if (frameType === FRAME_TYPE.COMMAND) return { kind: 'skip' };
  const codecId = first & 0x0f;
  if (codecId !== AVC) throw new RemuxError(`video CodecID ${codecId} is not supported (only AVC)`);
  if (body.length < 5) throw new RemuxError('AVC video message is truncated');
  switch (body[1]) {
    case AVC_PACKET.SEQUENCE_HEADER:
      return { kind: 'config', config: parseAvcConfig(body.subarray(5)) };
    case AVC_PACKET.NALU: {
      if (body.length === 5) return { kind: 'skip' };
      return {
        kind: 'frame',
        keyframe: frameType === FRAME_TYPE.KEY,
        compositionMs: body.readIntBE(2, 3),
        data: body.subarray(5),
      };
    }
    case AVC_PACKET.END_OF_SEQUENCE:
      return { kind: 'end' };
    default:
      throw new RemuxError(`unknown AVCPacketType ${body[1]}`);
  }
}

/**
 * Parses an AUDIODATA body: SoundFormat and for AAC the AACAUDIODATA (AACPacketType, then the
 * AudioSpecificConfig or a raw frame).
 * @throws RemuxError when the body is empty or truncated, or the AudioSpecificConfig is bad.
 */
export function parseFlvAudio(body: Buffer): FlvAudio {
  const first = body[0];
  if (first === undefined) throw new RemuxError('empty audio message');
  const soundFormat = first >> 4;
  if (soundFormat !== AAC) return { kind: 'unsupported', soundFormat };
  if (body.length < 2) throw new RemuxError('AAC audio message is truncated');
  if (body[1] === 0) return { kind: 'config', config: parseAacConfig(body.subarray(2)) };
  return { kind: 'frame', data: body.subarray(2) };
}
