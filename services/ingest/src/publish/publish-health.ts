/** What a publish's media looks like as it arrives: the fields of IngestHealth (onair.telemetry.v1). */
export interface PublishHealthSnapshot {
  /** ms; 0 before the second keyframe. */
  readonly keyframeIntervalMs: number;
  readonly measuredFps: number;
  /** 0 when onMetaData has no framerate. */
  readonly declaredFps: number;
  /** kbit/s. */
  readonly measuredBitrateKbps: number;
  /** kbit/s; 0 when undeclared. */
  readonly declaredBitrateKbps: number;
  readonly bFrames: boolean;
  /** Media time minus wall-clock time since the publisher's first message, ms. */
  readonly driftMs: number;
  readonly lateParts: number;
  readonly reconnects: number;
  /** Wall clock of the last audio or video message, unix epoch ms; 0 before the first. */
  readonly lastMediaAtMs: number;
}

/** Length of the measuring window, s. */
const WINDOW_S = 10;
/** A part listed later than this after its media time counts as late, ms. */
const LATE_PART_MS = 1000;

interface Bucket {
  second: number;
  bytes: number;
  frames: number;
}

/**
 * Measures one publish from the raw FLV bodies, whatever the ladder (FLV spec v10.1 §E.4.2-3, enhanced-rtmp v2
 * headers): keyframes from the FrameType, B-frames from a non-zero CompositionTime, rates over the last 10 s in
 * one-second buckets, drift of the media clock against the wall clock, and late parts as the pipeline reports
 * them. Costs a few comparisons per message and ten buckets per publish.
 */
export class PublishHealth {
  private readonly buckets: Bucket[] = [];
  private lastKeyframeMs: number | undefined;
  private keyframeIntervalMs = 0;
  private bFrames = false;
  private declaredFps = 0;
  private declaredKbps = 0;
  private first: { mediaMs: number; wallMs: number } | undefined;
  private latestMediaMs = 0;
  private lateParts = 0;
  private reconnects = 0;
  private lastMediaAtMs = 0;

  /** @param now wall clock, unix epoch ms. */
  constructor(private readonly now: () => number = Date.now) {}

  /** The publisher's onMetaData (FLV spec v10.1 §E.5: framerate, videodatarate and audiodatarate in kbit/s). */
  metadata(meta: Record<string, unknown>): void {
    const num = (k: string): number => (typeof meta[k] === 'number' && Number.isFinite(meta[k]) ? meta[k] : 0);
    this.declaredFps = num('framerate');
    this.declaredKbps = num('videodatarate') + num('audiodatarate');
  }

  /** A video message, `mediaMs` on the publisher's continuous timeline. */
  video(mediaMs: number, body: Buffer): void {
    const frame = isVideoFrame(body);
    this.count(mediaMs, body.length, frame ? 1 : 0);
    if (frame && (((body[0] ?? 0) >> 4) & 0x07) === 1) {
      if (this.lastKeyframeMs !== undefined && mediaMs > this.lastKeyframeMs)
        this.keyframeIntervalMs = mediaMs - this.lastKeyframeMs;
      this.lastKeyframeMs = mediaMs;
    }
    if (frame && !this.bFrames && compositionMs(body) !== 0) this.bFrames = true;
  }

  /** An audio message. */
  audio(mediaMs: number, body: Buffer): void {
    this.count(mediaMs, body.length, 0);
  }

  /** A source part was listed; late when listed more than a second after its media ended (wall clock, ms). */
  partListed(mediaEndWallMs: number): void {
    if (this.now() - mediaEndWallMs > LATE_PART_MS) this.lateParts++;
  }

  /** A new publisher continues the publish: its clock starts anew. */
  reconnected(): void {
    this.reconnects++;
    this.first = undefined;
    this.lastKeyframeMs = undefined;
  }

  snapshot(): PublishHealthSnapshot {
    const second = Math.floor(this.now() / 1000);
    const recent = this.buckets.filter((b) => b.second > second - WINDOW_S);
    const span = Math.min(WINDOW_S, recent.length > 0 ? second - (recent[0]?.second ?? second) + 1 : 1);
    const bytes = recent.reduce((n, b) => n + b.bytes, 0);
    const frames = recent.reduce((n, b) => n + b.frames, 0);
    const first = this.first;
    return {
      keyframeIntervalMs: this.keyframeIntervalMs,
      measuredFps: Math.round((frames / span) * 100) / 100,
      declaredFps: this.declaredFps,
      measuredBitrateKbps: Math.round((bytes * 8) / span / 10) / 100,
      declaredBitrateKbps: this.declaredKbps,
      bFrames: this.bFrames,
      driftMs: first ? this.latestMediaMs - first.mediaMs - (this.now() - first.wallMs) : 0,
      lateParts: this.lateParts,
      reconnects: this.reconnects,
      lastMediaAtMs: this.lastMediaAtMs,
    };
  }

  private count(mediaMs: number, bytes: number, frames: number): void {
    const wallMs = this.now();
    this.lastMediaAtMs = wallMs;
    this.first ??= { mediaMs, wallMs };
    if (mediaMs > this.latestMediaMs || this.latestMediaMs === 0) this.latestMediaMs = mediaMs;
    const second = Math.floor(wallMs / 1000);
    let bucket = this.buckets.at(-1);
    if (bucket?.second !== second) {
      bucket = { second, bytes: 0, frames: 0 };
      this.buckets.push(bucket);
      if (this.buckets.length > WINDOW_S) this.buckets.shift();
    }
    bucket.bytes += bytes;
    bucket.frames += frames;
  }
}

/** A coded picture, not a sequence header, end of sequence, metadata or command (legacy and enhanced headers). */
function isVideoFrame(body: Buffer): boolean {
  const first = body[0];
  if (first === undefined || ((first >> 4) & 0x07) === 5) return false;
  if (first & 0x80) {
    const packetType = first & 0x0f;
    return packetType === 1 || packetType === 3;
  }
  return body[1] === 1;
}

/** The CompositionTime of a legacy AVC NALU packet or an enhanced CodedFrames packet of avc1/hvc1, ms. */
function compositionMs(body: Buffer): number {
  const first = body[0] ?? 0;
  if (first & 0x80) {
    const fourCc = body.toString('latin1', 1, 5);
    return (first & 0x0f) === 1 && (fourCc === 'hvc1' || fourCc === 'avc1') && body.length >= 8
      ? body.readIntBE(5, 3)
      : 0;
  }
  return body[1] === 1 && body.length >= 5 ? body.readIntBE(2, 3) : 0;
}
