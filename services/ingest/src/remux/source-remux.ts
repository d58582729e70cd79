import type { Logger } from '@onair/runtime';
import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import { parseInit } from '../fmp4/init-segment.js';
import { parseFlvAudio, parseFlvVideo, type AudioConfig, type VideoConfig } from './flv-media.js';
import { SAMPLE_FLAGS, writeFragment, type FragmentTrack } from './fragment-writer.js';
import { writeInitSegment, type InitTrack } from './init-writer.js';
import { opusPacketSamples } from './opus-config.js';
import { av01Entry, avc1Entry, hvc1Entry, mp4aEntry, opusEntry, vp09Entry } from './sample-entries.js';
import { vp9FrameSize } from './vp9-config.js';

/** Options of {@link SourceRemux}. */
export interface SourceRemuxOptions {
  /** Part Target Duration, ms: no part lasts longer (draft-pantos-hls-rfc8216bis §4.4.4.9). */
  partTargetMs: number;
  log: Logger;
  /** Each init segment and part, in stream order; a new init segment means the media changed codec settings. */
  onItem: (item: Fmp4Item) => void;
  /**
   * Where this remux's timeline starts on the publish's, ms: 0 for the first publisher, the time since the publish
   * started for one that continues it after a reconnect, so decode times keep growing across the discontinuity.
   * @default 0
   */
  timelineStartMs?: number;
}

/** Video media time: 90 kHz, so every millisecond of an RTMP timestamp is a whole number of ticks. */
const VIDEO_TIMESCALE = 90_000;
const TICKS_PER_MS = VIDEO_TIMESCALE / 1000;
/** Track ids, fixed so a track keeps its id when another one joins the stream. */
const TRACK = { VIDEO: 1, AUDIO: 2 } as const;
/** Frame interval assumed for a stream's last video frame when nothing told its duration, ms. */
const DEFAULT_FRAME_MS = 33;
/** Audio kept waiting for video (which may never come) before the oldest is dropped, ms. */
const MAX_AUDIO_WAIT_MS = 10_000;

interface VideoSample {
  /** Decode time on the stream's timeline, ms. */
  readonly dtsMs: number;
  readonly compositionMs: number;
  readonly keyframe: boolean;
  readonly data: Buffer;
}
interface AudioSample {
  /** Decode time, audio timescale units (the sample rate). */
  readonly dts: number;
  /** Timescale units. */
  readonly duration: number;
  readonly data: Buffer;
}

/** Opus decodes at 48 kHz whatever the input rate (RFC 7845 §4): its track timescale. */
const OPUS_TIMESCALE = 48_000;
interface HeldMessage {
  readonly type: 'audio' | 'video';
  readonly timestampMs: number;
  readonly body: Buffer;
}

/**
 * The source rendition of a publish, repackaged in ingest's process: FLV audio and video bodies (AVC, AAC)
 * become a fragmented-MP4 init segment (ISO/IEC 14496-12 §8.16; avcC per ISO/IEC 14496-15 §5.4.2.1, esds per
 * ISO/IEC 14496-14 §5.6) and parts of one moof+mdat each. Parts follow the video: a part ends before a keyframe
 * (so every keyframe starts one, INDEPENDENT=YES) and before the frame that would take it past the Part Target
 * Duration; audio goes to the part its decode time falls in. Audio-only streams cut parts from audio frames.
 *
 * The timeline starts at the earliest timestamp held before {@link start} (plus `timelineStartMs`); video runs at 90 kHz with each frame
 * lasting until the next one's timestamp (so a frame is written once its successor arrives), composition
 * offsets from the AVC CompositionTime. AAC runs at its sample rate, 1024 (or 960) samples a frame, following the
 * RTMP timestamps unless they drift more than a frame away. Video before the first keyframe is dropped; a changed
 * sequence header closes the part and a new init segment follows.
 */
export class SourceRemux {
  private held: HeldMessage[] | undefined = [];
  /** The RTMP timestamp that lands on `timelineStartMs`, ms. */
  private originMs = 0;
  private videoConfig: VideoConfig | undefined;
  /** Picture size of the video: from its configuration record, or (VP9) its first keyframe. */
  private videoSize = { width: 0, height: 0 };
  private audioConfig: AudioConfig | undefined;
  private initWritten: { video: VideoConfig | undefined; audio: AudioConfig | undefined } | undefined;
  private awaitingKeyframe = true;
  private pending: VideoSample | undefined;
  private partVideo: Array<VideoSample & { durationMs: number }> = [];
  private partVideoMs = 0;
  private lastFrameMs = DEFAULT_FRAME_MS;
  private audioQueue: AudioSample[] = [];
  private audioNext: number | undefined;
  private sequence = 1;
  private warnedAudioFormat = false;

  constructor(private readonly o: SourceRemuxOptions) {}

  /**
   * A VIDEODATA body (FLV spec v10.1 §E.4.3) with its RTMP timestamp, ms.
   * @throws RemuxError when the body is malformed or not AVC.
   */
  video(timestampMs: number, body: Buffer): void {
    if (this.held) this.held.push({ type: 'video', timestampMs, body });
    else this.takeVideo(timestampMs, body);
  }

  /**
   * An AUDIODATA body (FLV spec v10.1 §E.4.2) with its RTMP timestamp, ms. Formats other than AAC are dropped
   * with one warning.
   * @throws RemuxError when the body is malformed.
   */
  audio(timestampMs: number, body: Buffer): void {
    if (this.held) this.held.push({ type: 'audio', timestampMs, body });
    else this.takeAudio(timestampMs, body);
  }

  /**
   * The stream's tracks are settled (their sequence headers arrived, or the wait for them ended): the timeline
   * starts at the earliest held timestamp and the held messages are taken in order.
   * @throws RemuxError from a malformed held message.
   */
  start(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const earliest = held.reduce((min, m) => Math.min(min, m.timestampMs), held[0]?.timestampMs ?? 0);
    this.originMs = earliest - (this.o.timelineStartMs ?? 0);
    for (const m of held) {
      if (m.type === 'video') this.takeVideo(m.timestampMs, m.body);
      else this.takeAudio(m.timestampMs, m.body);
    }
  }

  /** The publish ended: writes what is still held, the last frame lasting as long as the one before it. */
  finish(): void {
    if (this.held) this.start();
    this.closeVideo();
    if (this.partVideo.length > 0) this.flushVideoPart(Infinity);
    if (this.audioQueue.length > 0) this.flushAudioPart();
  }

  private takeVideo(timestampMs: number, body: Buffer): void {
    const msg = parseFlvVideo(body);
    if (msg.kind === 'config') {
      const current = this.videoConfig;
      if (current?.codec === msg.config.codec && current.config.record.equals(msg.config.config.record)) return;
      this.closeVideo();
      if (this.partVideo.length > 0) this.flushVideoPart(Infinity);
      this.videoConfig = msg.config;
      this.videoSize = { width: msg.config.config.width, height: msg.config.config.height };
      this.awaitingKeyframe = true;
      return;
    }
    if (msg.kind === 'end') {
      this.closeVideo();
      return;
    }
    if (msg.kind !== 'frame' || msg.codec !== this.videoConfig?.codec) return;
    if (this.awaitingKeyframe) {
      if (!msg.keyframe) return;
      this.awaitingKeyframe = false;
      if (msg.codec === 'vp09') this.videoSize = vp9FrameSize(msg.data) ?? this.videoSize;
    }
    const sample = {
      dtsMs: Math.max(this.o.timelineStartMs ?? 0, timestampMs - this.originMs),
      compositionMs: msg.compositionMs,
      keyframe: msg.keyframe,
      data: msg.data,
    };
    const previous = this.pending;
    this.pending = sample;
    if (previous) this.place(previous, Math.max(1, sample.dtsMs - previous.dtsMs));
  }

  /** Writes the frame waiting for its duration, if any, with the last known frame interval. */
  private closeVideo(): void {
    const previous = this.pending;
    this.pending = undefined;
    if (previous) this.place(previous, this.lastFrameMs);
  }

  /** Adds a video frame whose duration is known, cutting parts before keyframes and at the part target. */
  private place(sample: VideoSample, durationMs: number): void {
    const target = this.o.partTargetMs;
    if (this.partVideo.length > 0 && (sample.keyframe || this.partVideoMs + durationMs > target))
      this.flushVideoPart(sample.dtsMs);
    this.partVideo.push({ ...sample, durationMs });
    this.partVideoMs += durationMs;
    this.lastFrameMs = durationMs;
    // The next frame, as long as this one, would pass the target: the part is complete now.
    if (this.partVideoMs + durationMs > target) this.flushVideoPart(sample.dtsMs + durationMs);
  }

  private takeAudio(timestampMs: number, body: Buffer): void {
    const msg = parseFlvAudio(body);
    if (msg.kind === 'unsupported') {
      if (!this.warnedAudioFormat) this.o.log.warn({ format: msg.format }, 'audio format not carried');
      this.warnedAudioFormat = true;
      return;
    }
    if (msg.kind === 'config') {
      if (this.audioConfig && sameAudioConfig(this.audioConfig, msg.config)) return;
      if (this.audioQueue.length > 0 && !this.videoConfig) this.flushAudioPart();
      this.audioConfig = msg.config;
      this.audioNext = undefined;
      return;
    }
    const audio = this.audioConfig;
    if (msg.kind !== 'frame' || msg.codec !== audio?.codec) return;
    const rate = audioTimescale(audio);
    const duration = audio.codec === 'mp4a' ? audio.config.frameSamples : opusPacketSamples(msg.data);
    const dtsMs = Math.max(this.o.timelineStartMs ?? 0, timestampMs - this.originMs);
    const stamped = Math.round((dtsMs * rate) / 1000);
    if (this.audioNext === undefined || Math.abs(stamped - this.audioNext) > duration) this.audioNext = stamped;
    this.audioQueue.push({ dts: this.audioNext, duration, data: msg.data });
    this.audioNext += duration;
    const first = this.audioQueue[0];
    if (!this.videoConfig) {
      // Audio-only: the part ends before the frame that would take it past the target.
      if (first && ((this.audioNext - first.dts + duration) * 1000) / rate > this.o.partTargetMs) this.flushAudioPart();
      return;
    }
    if (first && ((this.audioNext - first.dts) * 1000) / rate > MAX_AUDIO_WAIT_MS) this.audioQueue.shift();
  }

  /** Writes the video part and the audio before `endMs` (ms on the stream's timeline). */
  private flushVideoPart(endMs: number): void {
    const frames = this.partVideo;
    const first = frames[0];
    if (!first) return;
    this.partVideo = [];
    const durationMs = this.partVideoMs;
    this.partVideoMs = 0;
    const tracks: FragmentTrack[] = [
      {
        trackId: TRACK.VIDEO,
        baseMediaDecodeTime: first.dtsMs * TICKS_PER_MS,
        samples: frames.map((f) => ({
          duration: f.durationMs * TICKS_PER_MS,
          size: f.data.length,
          flags: f.keyframe ? SAMPLE_FLAGS.SYNC : SAMPLE_FLAGS.NON_SYNC,
          compositionOffset: f.compositionMs * TICKS_PER_MS,
        })),
        data: frames.map((f) => f.data),
        compositionOffsets: true,
      },
    ];
    const audioConfig = this.audioConfig;
    if (audioConfig) {
      const rate = audioTimescale(audioConfig);
      // Audio from before the first keyframe has no picture to go with; the stream starts at the keyframe.
      if (this.sequence === 1) this.takeAudioBefore((first.dtsMs * rate) / 1000);
      const audio = this.takeAudioBefore((endMs * rate) / 1000);
      if (audio.length > 0) tracks.push(audioTrack(audio));
    }
    this.emit(tracks, { durationMs, independent: first.keyframe, videoFrames: frames.length, startMs: first.dtsMs });
  }

  /** Writes the queued audio as an audio-only part. */
  private flushAudioPart(): void {
    const audio = this.audioConfig;
    const samples = this.audioQueue;
    const first = samples[0];
    if (!audio || !first) return;
    this.audioQueue = [];
    const rate = audioTimescale(audio);
    this.emit([audioTrack(samples)], {
      durationMs: (samples.reduce((n, s) => n + s.duration, 0) * 1000) / rate,
      independent: true,
      videoFrames: 0,
      startMs: (first.dts * 1000) / rate,
    });
  }

  private takeAudioBefore(end: number): AudioSample[] {
    let n = 0;
    while (n < this.audioQueue.length && (this.audioQueue[n]?.dts ?? Infinity) < end) n++;
    return this.audioQueue.splice(0, n);
  }

  private emit(
    tracks: FragmentTrack[],
    info: { durationMs: number; independent: boolean; videoFrames: number; startMs: number },
  ): void {
    this.writeInitIfChanged();
    this.o.onItem({ kind: 'part', data: writeFragment(this.sequence++, tracks), info });
  }

  private writeInitIfChanged(): void {
    const [video, audio] = [this.videoConfig, this.audioConfig];
    const written = this.initWritten;
    if (written && written.video === video && written.audio === audio) return;
    const tracks: InitTrack[] = [];
    if (video) {
      const { width, height } = this.videoSize;
      const sampleEntry = videoSampleEntry(video, width, height);
      tracks.push({ trackId: TRACK.VIDEO, handler: 'vide', timescale: VIDEO_TIMESCALE, width, height, sampleEntry });
    }
    if (audio) {
      const sampleEntry = audio.codec === 'mp4a' ? mp4aEntry(audio.config) : opusEntry(audio.config);
      const timescale = audioTimescale(audio);
      tracks.push({ trackId: TRACK.AUDIO, handler: 'soun', timescale, width: 0, height: 0, sampleEntry });
    }
    this.initWritten = { video, audio };
    const data = writeInitSegment(tracks);
    // The codecs strings come from the configuration records, which say more than a sample entry's FourCC.
    const codecs = new Map<number, string | undefined>([
      [TRACK.VIDEO, video?.config.codec],
      [TRACK.AUDIO, audio?.config.codec],
    ]);
    const info = parseInit(data);
    const tracksWithCodecs = info.tracks.map((t) => ({ ...t, codec: codecs.get(t.trackId) ?? t.codec }));
    this.o.onItem({ kind: 'init', data, info: { tracks: tracksWithCodecs } });
  }
}

function videoSampleEntry(video: VideoConfig, width: number, height: number): Buffer {
  switch (video.codec) {
    case 'avc1':
      return avc1Entry(video.config);
    case 'hvc1':
      return hvc1Entry(video.config);
    case 'av01':
      return av01Entry(video.config);
    case 'vp09':
      return vp09Entry(video.config, width, height);
  }
}

/** Units per second of an audio track: AAC's sample rate, Opus's 48 kHz. */
function audioTimescale(audio: AudioConfig): number {
  return audio.codec === 'mp4a' ? audio.config.sampleRate : OPUS_TIMESCALE;
}

function sameAudioConfig(a: AudioConfig, b: AudioConfig): boolean {
  if (a.codec === 'mp4a' && b.codec === 'mp4a') return a.config.config.equals(b.config.config);
  if (a.codec === 'Opus' && b.codec === 'Opus') return a.config.head.equals(b.config.head);
  return false;
}

function audioTrack(samples: readonly AudioSample[]): FragmentTrack {
  return {
    trackId: TRACK.AUDIO,
    baseMediaDecodeTime: samples[0]?.dts ?? 0,
    samples: samples.map((s) => ({
      duration: s.duration,
      size: s.data.length,
      flags: SAMPLE_FLAGS.SYNC,
      compositionOffset: 0,
    })),
    data: samples.map((s) => s.data),
    compositionOffsets: false,
  };
}
