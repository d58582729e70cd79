import type { TrackRun } from './fragment.js';
import type { InitInfo } from './init-segment.js';

/** What a part (one moof+mdat) holds, as the segmenter needs it. */
export interface PartInfo {
  /** Duration of the lead track's samples, ms (video when the rendition has video, else audio). */
  readonly durationMs: number;
  /** The part starts with a keyframe: the first video sample is a sync sample (audio-only: the first sample). */
  readonly independent: boolean;
  /** Video samples in the part. */
  readonly videoFrames: number;
  /** Media time of the lead track's first sample (tfdt), ms. */
  readonly startMs: number;
}

/**
 * Summarises a fragment's track runs from the lead track's point of view: the video track when the init has
 * one, else the first track. A fragment of a video rendition without video samples is not independent.
 */
export function summarizeFragment(runs: readonly TrackRun[], init: InitInfo): PartInfo {
  const video = init.tracks.find((t) => t.handler === 'vide');
  const lead = video ?? init.tracks[0];
  const leadRun = lead ? runs.find((r) => r.trackId === lead.trackId && r.sampleCount > 0) : undefined;
  const videoFrames = video
    ? runs.filter((r) => r.trackId === video.trackId).reduce((n, r) => n + r.sampleCount, 0)
    : 0;
  if (lead && leadRun) {
    return {
      durationMs: (leadRun.duration * 1000) / lead.timescale,
      independent: leadRun.firstSampleSync,
      videoFrames,
      startMs: (leadRun.baseMediaDecodeTime * 1000) / lead.timescale,
    };
  }
  const other = runs.find((r) => r.sampleCount > 0);
  const otherTrack = other ? init.tracks.find((t) => t.trackId === other.trackId) : undefined;
  if (!other || !otherTrack) return { durationMs: 0, independent: false, videoFrames, startMs: 0 };
  return {
    durationMs: (other.duration * 1000) / otherTrack.timescale,
    independent: false,
    videoFrames,
    startMs: (other.baseMediaDecodeTime * 1000) / otherTrack.timescale,
  };
}
