import type { Rendition } from '@onair/media';
import type { InitInfo } from '../fmp4/init-segment.js';
import type { LadderEntry } from '../transcode/ladder.js';

/** What the first part of a rendition says about its rates. */
export interface FirstPart {
  /** bytes. */
  readonly bytes: number;
  /** ms. */
  readonly durationMs: number;
  readonly videoFrames: number;
}

const MAX_UINT32 = 0xffff_ffff;

/** A positive finite number from an onMetaData field, else undefined. */
function metaNumber(meta: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = meta?.[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * Describes a rendition for StreamStarted: RFC 6381 codecs (video first, then audio, from the init segment),
 * picture size, frame rate (onMetaData `framerate`, else the first part's frames per second) and BANDWIDTH
 * (RFC 8216 §4.3.4.2, bit/s): for a transcode its ladder video rate plus its audio rate; for the source
 * onMetaData `videodatarate` + `audiodatarate` (kbit/s, FLV spec v10.1 §E.5) when they cover the video, else
 * the first part's rate — a keyframe part, so it errs high, as a peak rate should. ffmpeg sends
 * `videodatarate: 0` and an audio rate alone; that audio rate must not stand for the whole stream.
 */
export function describeRendition(
  entry: LadderEntry,
  init: InitInfo,
  first: FirstPart,
  meta: Record<string, unknown> | undefined,
): Rendition {
  const video = init.tracks.find((t) => t.handler === 'vide');
  const audio = init.tracks.find((t) => t.handler === 'soun');
  const codecs = [video?.codec, audio?.codec].filter((c): c is string => c !== undefined).join(',');
  const measuredFps = first.videoFrames > 0 && first.durationMs > 0 ? (first.videoFrames * 1000) / first.durationMs : 0;
  const frameRate = video ? (metaNumber(meta, 'framerate') ?? Math.round(measuredFps * 1000) / 1000) : 0;
  let bandwidth: number;
  if (entry.kind === 'transcode') {
    bandwidth = ((video ? entry.videoKbps : 0) + (audio ? entry.audioKbps : 0)) * 1000;
  } else {
    const videoKbps = metaNumber(meta, 'videodatarate');
    const declared = (videoKbps ?? 0) + (metaNumber(meta, 'audiodatarate') ?? 0);
    const measured = first.durationMs > 0 ? (first.bytes * 8 * 1000) / first.durationMs : 0;
    const coversVideo = video === undefined || videoKbps !== undefined;
    bandwidth = coversVideo && declared > 0 ? declared * 1000 : Math.max(measured, declared * 1000);
  }
  return {
    name: entry.name,
    codecs,
    bandwidth: Math.min(MAX_UINT32, Math.round(bandwidth)),
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    frameRate,
  };
}
