import {
  audioNeedsSequenceHeader,
  FLV_TAG_TYPE,
  flvHeader,
  flvTag,
  isAacSequenceHeader,
  isAvcSequenceHeader,
  isVideoKeyframe,
  onMetaDataBody,
  videoNeedsSequenceHeader,
} from './flv-tag.js';

/**
 * Largest `onMetaData` SCRIPTDATA tag body kept (FLV spec v10.1 §E.4.4.1), bytes. Encoders send a few hundred
 * bytes; the bound keeps what every ffmpeg run is sent small and far below the 16 MiB a tag can carry (§E.4.1).
 */
export const MAX_METADATA_BYTES = 64 * 1024;

/** Which tracks the FLV stream carries (FLV spec v10.1 §E.2 TypeFlagsAudio / TypeFlagsVideo). */
export interface FlvTracks {
  readonly audio: boolean;
  readonly video: boolean;
}

/** Options of {@link FlvFeed}. */
export interface FlvFeedOptions {
  /** After the first media message, start anyway when a sequence header is still missing, ms. */
  startTimeoutMs: number;
  /** Start anyway once this many bytes wait for the sequence headers. */
  maxStartBufferBytes: number;
  /** Called once, when the tracks are known and the first ffmpeg may start. */
  onReady: (tracks: FlvTracks) => void;
}

type Write = (chunk: Buffer) => void;

/** One run's view of the feed. */
export interface FeedAttachment {
  /**
   * Where the run's media starts on the publish's timeline (the timestamp of the first tag written to it minus
   * the publish's first), ms; undefined until it got a tag. ffmpeg starts its output timeline there.
   */
  offsetMs(): number | undefined;
}
type MediaTagType = typeof FLV_TAG_TYPE.AUDIO | typeof FLV_TAG_TYPE.VIDEO;
interface Target {
  write: Write;
  /** False until a later run got its first keyframe. */
  synced: boolean;
  firstTimestamp: number | undefined;
}

/** A media message not yet encoded as a tag. */
interface MediaMessage {
  type: MediaTagType;
  timestampMs: number;
  body: Buffer;
}

/**
 * Turns one publish's RTMP media messages (FLV tag bodies) into FLV byte streams (FLV spec v10.1 §E), one per
 * ffmpeg run. Before the first run it holds the messages until the video and audio sequence headers (AVC
 * §E.4.3.1, AAC §E.4.2.1) have arrived — or `startTimeoutMs` — so the header's track flags are right; tracks the
 * `onMetaData` does not announce are not waited for. A later run starts with the kept metadata and sequence
 * headers, stamped with the first keyframe it gets (audio-only: the first audio frame).
 */
export class FlvFeed {
  private meta: Record<string, unknown> | undefined;
  /** `meta` as the SCRIPTDATA tag every run starts with, encoded once. */
  private metaTag: Buffer | undefined;
  private avcHeader: Buffer | undefined;
  private aacHeader: Buffer | undefined;
  private seen = { audio: false, video: false, audioReady: false, videoReady: false };
  private startBuffer: Buffer[] | undefined = [];
  private startBufferBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private decided: FlvTracks | undefined;
  private firstTimestamp: number | undefined;
  private target: Target | undefined;

  constructor(private readonly options: FlvFeedOptions) {}

  /** The tracks, once decided. */
  get tracks(): FlvTracks | undefined {
    return this.decided;
  }

  /**
   * The publisher's `onMetaData`, encoded here once as the SCRIPTDATA tag (§E.4.4.1, §E.5) every run starts with.
   * @returns false when its tag body would pass {@link MAX_METADATA_BYTES}: it is dropped and the previous one kept.
   */
  metadata(meta: Record<string, unknown>): boolean {
    const body = onMetaDataBody(meta);
    if (body.length > MAX_METADATA_BYTES) return false;
    this.meta = meta;
    this.metaTag = flvTag(FLV_TAG_TYPE.SCRIPT, 0, body);
    return true;
  }

  /** An AUDIODATA body (§E.4.2). */
  audio(timestampMs: number, body: Buffer): void {
    this.seen.audio = true;
    if (isAacSequenceHeader(body)) this.aacHeader = body;
    if (isAacSequenceHeader(body) || !audioNeedsSequenceHeader(body)) this.seen.audioReady = true;
    this.media(FLV_TAG_TYPE.AUDIO, timestampMs, body);
  }

  /** A VIDEODATA body (§E.4.3). */
  video(timestampMs: number, body: Buffer): void {
    this.seen.video = true;
    if (isAvcSequenceHeader(body)) this.avcHeader = body;
    if (isAvcSequenceHeader(body) || !videoNeedsSequenceHeader(body)) this.seen.videoReady = true;
    this.media(FLV_TAG_TYPE.VIDEO, timestampMs, body);
  }

  /**
   * Starts a run's FLV stream: the header and metadata at once, then the held messages (first run) or, from
   * the next keyframe, the sequence headers and what follows (later runs).
   * @throws Error before the tracks are decided (a caller bug).
   */
  attach(write: Write): FeedAttachment {
    const tracks = this.decided;
    if (!tracks) throw new Error('FlvFeed.attach before the tracks are known');
    write(flvHeader(tracks));
    if (this.metaTag) write(this.metaTag);
    const held = this.startBuffer;
    this.startBuffer = undefined;
    const target: Target = { write, synced: held !== undefined, firstTimestamp: undefined };
    this.target = target;
    for (const tag of held ?? []) this.forward(tag);
    return {
      offsetMs: () =>
        target.firstTimestamp === undefined || this.firstTimestamp === undefined
          ? undefined
          : target.firstTimestamp - this.firstTimestamp,
    };
  }

  /** Stops writing to the current run. */
  detach(): void {
    this.target = undefined;
  }

  /** Clears the start timer. */
  dispose(): void {
    clearTimeout(this.timer);
    this.detach();
  }

  private media(type: MediaTagType, timestampMs: number, body: Buffer): void {
    this.firstTimestamp ??= timestampMs;
    if (this.decided) {
      this.forward({ type, timestampMs, body });
      return;
    }
    this.startBuffer?.push(flvTag(type, timestampMs, body));
    this.startBufferBytes += body.length;
    this.timer ??= setTimeout(() => this.decide(), this.options.startTimeoutMs);
    if (this.startBufferBytes >= this.options.maxStartBufferBytes || this.expectedReady()) this.decide();
  }

  /** Every track the metadata announces (both when there is none) has what it needs to decode. */
  private expectedReady(): boolean {
    const m = this.meta;
    const wantsVideo = !m || 'videocodecid' in m || 'width' in m;
    const wantsAudio = !m || 'audiocodecid' in m || 'audiosamplerate' in m;
    return (
      (!wantsVideo || this.seen.videoReady) &&
      (!wantsAudio || this.seen.audioReady) &&
      (this.seen.audio || this.seen.video)
    );
  }

  private decide(): void {
    if (this.decided) return;
    clearTimeout(this.timer);
    this.decided = { audio: this.seen.audio, video: this.seen.video };
    this.options.onReady(this.decided);
  }

  /** Writes a tag (already encoded when held from the start) to the run, syncing later runs on a keyframe. */
  private forward(tag: Buffer | MediaMessage): void {
    const target = this.target;
    if (!target) return;
    if (Buffer.isBuffer(tag)) {
      target.firstTimestamp ??= tagTimestamp(tag);
      target.write(tag);
      return;
    }
    if (!target.synced) {
      const starts = this.decided?.video
        ? tag.type === FLV_TAG_TYPE.VIDEO && isVideoKeyframe(tag.body) && !isAvcSequenceHeader(tag.body)
        : tag.type === FLV_TAG_TYPE.AUDIO;
      if (!starts) return;
      target.synced = true;
      if (this.avcHeader) target.write(flvTag(FLV_TAG_TYPE.VIDEO, tag.timestampMs, this.avcHeader));
      if (this.aacHeader) target.write(flvTag(FLV_TAG_TYPE.AUDIO, tag.timestampMs, this.aacHeader));
    }
    target.firstTimestamp ??= tag.timestampMs;
    target.write(flvTag(tag.type, tag.timestampMs, tag.body));
  }
}

/** Timestamp + TimestampExtended of an encoded tag (§E.4.1), ms. */
function tagTimestamp(tag: Buffer): number {
  return (tag.readUIntBE(4, 3) | (tag.readUInt8(7) << 24)) >>> 0;
}
