import type { TimelineAnchor } from '@onair/contracts';
import type { MediaHub } from '@onair/media';
import type { Logger } from '@onair/runtime';
import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import { firstMediaSequence, firstPartSequence, Segmenter } from '../segmenter/segmenter.js';
import { fitLadder, type LadderEntry, type TranscodedRendition } from '../transcode/ladder.js';
import { Transcoder, type RunInput } from '../transcode/transcoder.js';
import { RemuxError } from '../remux/remux-error.js';
import { SourceRemux } from '../remux/source-remux.js';
import { Fmp4Feed } from './fmp4-feed.js';
import { FlvFeed, MAX_METADATA_BYTES, type FlvTracks } from './flv-feed.js';
import { LiveStreamWriter } from './live-stream-writer.js';
import type { Publish, PublishSink } from './publish-sink.js';
import { StreamTimeline } from './stream-timeline.js';
import type { PublishHealthSnapshot } from './publish-health.js';
import { PublisherInput } from './publisher-input.js';

/** Settings shared by every publish of a pipeline (see PublishPipelineOptions for the meaning of each). */
export interface LivePublishSettings {
  hub: MediaHub;
  ladder: readonly LadderEntry[];
  ffmpegPath: string;
  targetSegmentMs: number;
  partTargetMs: number;
  startTimeoutMs: number;
  maxPendingBytes: number;
  endTimeoutMs: number;
  maxRestarts: number;
  restartWindowMs: number;
  maxBoxBytes: number;
  maxLoggedLines: number;
  socketDir: string;
}

/** Options of {@link LivePublish}. */
export interface LivePublishOptions extends LivePublishSettings {
  publish: Publish;
  log: Logger;
  /** A run id unique in `socketDir`. */
  nextRunId: () => string;
  /** Called once the publish has fully ended. */
  onClosed: () => void;
  /** Called once when the publish is dropped (not ended by the publisher). */
  onDropped: (reason: string) => void;
}

/**
 * One accepted publish. The source rendition is repackaged in process (SourceRemux); only when the ladder has
 * transcoded renditions does its FLV go to one ffmpeg for them (Transcoder). Every rendition's parts are cut into
 * segments and written to the MediaHub.
 */
export class LivePublish implements PublishSink {
  private state: 'open' | 'ending' | 'ended' = 'open';
  /** Created with the first ffmpeg run; the ladder is fitted before it. */
  private transcoder: Transcoder | undefined;
  private feed: FlvFeed;
  private remux: SourceRemux | undefined;
  private sourceInitSeen = false;
  /** Where the current publisher's media starts on the publish's timeline, ms (0 until a reconnect). */
  private inputStartMs = 0;
  /** Set for an Enhanced RTMP publish with transcodes: ffmpeg is fed the source's fMP4 instead of FLV. */
  private mp4Feed: Fmp4Feed | undefined;
  private readonly input: PublisherInput;
  private writer: LiveStreamWriter;
  private ladder: readonly LadderEntry[];
  private segmenters = new Map<string, Segmenter>();
  private timeline: StreamTimeline;
  private ending: Promise<void> | undefined;

  constructor(private readonly o: LivePublishOptions) {
    this.input = new PublisherInput(o.log);
    this.feed = this.createFeed();
    this.remux = this.createRemux();
    this.ladder = o.ladder;
    this.writer = this.createWriter();
    this.timeline = new StreamTimeline(o.ladder, o.publish.startedAtMs);
    this.resetSegmenters();
    o.log.info({ ladder: o.ladder.map((e) => e.name) }, 'pipeline opened');
  }

  metadata(meta: Record<string, unknown>): void {
    if (this.state !== 'open') return;
    this.input.health.metadata(meta);
    if (!this.feed.metadata(meta)) {
      this.o.log.warn({ maxBytes: MAX_METADATA_BYTES }, 'onMetaData over the size limit dropped');
      return;
    }
    if (!this.transcoder) this.fitLadderTo(meta);
    this.writer.metadata(meta);
  }

  audio(timestampMs: number, payload: Buffer): void {
    if (this.state !== 'open') return;
    // First: the feed may settle the tracks on this message, and must know by then whether it is enhanced.
    const t = this.input.audio(timestampMs, payload);
    this.feed.audio(timestampMs, payload);
    this.remuxStep(() => this.remux?.audio(t, payload));
    this.checkBacklog();
  }

  video(timestampMs: number, payload: Buffer): void {
    if (this.state !== 'open') return;
    // First: the feed may settle the tracks on this message, and must know by then whether it is enhanced.
    const t = this.input.video(timestampMs, payload);
    this.feed.video(timestampMs, payload);
    this.remuxStep(() => this.remux?.video(t, payload));
    this.checkBacklog();
  }

  /**
   * A new publisher continues this stream (a reconnect, or a publisher replaced by one with the same key): what
   * the previous one left is written out, every rendition gets a discontinuity (RFC 8216 §4.3.2.3) and the media
   * sequence continues; the new publisher's media is taken from its sequence headers on, on a timeline that
   * continues where the wall clock is. A transcode's ffmpeg is replaced by a new one once it has written what it
   * holds: the transcoded renditions get their discontinuity after that (Transcoder.handOver).
   * @returns the stream timeline's anchor at the new media (StreamTimeline), once the media before it is written
   *   (a ladder without source follows a transcode: after its ffmpeg flushed); undefined when ending: open a new one.
   */
  reconnect(): TimelineAnchor | Promise<TimelineAnchor> | undefined {
    if (this.state !== 'open') return undefined;
    this.feed.dispose();
    // First: an fMP4-fed transcoder gets the source's last parts before its input ends.
    this.remuxStep(() => this.remux?.finish());
    let flushed: Promise<void> | undefined;
    if (this.writer.started) {
      flushed = this.transcoder?.handOver();
      for (const [rendition, seg] of this.segmenters)
        if (!this.transcoder?.renditions.includes(rendition)) this.writer.events(rendition, seg.discontinuity());
    } else {
      this.transcoder?.discard();
      this.writer.reset();
      this.resetSegmenters();
    }
    this.inputStartMs = Date.now() - this.o.publish.startedAtMs;
    this.feed = this.createFeed();
    this.remux = this.createRemux();
    this.input.reconnected();
    this.sourceInitSeen = false;
    const inputStartMs = this.inputStartMs;
    const anchor = (): TimelineAnchor => {
      const at = this.timeline.anchor(inputStartMs);
      this.o.log.info({ inputStartMs, anchor: at }, 'publish continued by a new publisher');
      return at;
    };
    const followsTranscode = this.transcoder?.renditions.includes(StreamTimeline.renditionOf(this.ladder));
    return flushed && followsTranscode ? flushed.then(anchor) : anchor();
  }

  /** The room this publish is of. */
  get room(): string {
    return this.o.publish.room;
  }

  /** How the publisher's media arrives (IngestHealth of the Telemetry service). */
  healthSnapshot(): PublishHealthSnapshot {
    return this.input.health.snapshot();
  }

  end(reason: string): Promise<void> {
    this.ending ??= this.close(reason, true);
    return this.ending;
  }

  /** Ends the publish at once (ffmpeg stalled or keeps failing, hub refused it); media after it is ignored. */
  private drop(reason: string): void {
    // Not while ending either: close() runs steps (the remux's last parts) before `ending` is set.
    if (this.ending || this.state !== 'open') return;
    this.ending = this.close(reason, false);
    this.o.onDropped(reason);
  }

  /**
   * @param flush end ffmpeg's input so it writes what it holds (the publisher left), rather than kill it (a drop).
   */
  private async close(reason: string, flush: boolean): Promise<void> {
    if (this.state === 'open') this.state = 'ending';
    this.feed.dispose();
    // First: an fMP4-fed transcoder gets the source's last parts before its input ends.
    this.remuxStep(() => this.remux?.finish());
    await this.transcoder?.end(flush);
    this.state = 'ended';
    for (const [rendition, seg] of this.segmenters) this.writer.events(rendition, seg.finish());
    this.writer.end(reason);
    this.o.log.info({ reason }, 'pipeline closed');
    this.o.onClosed();
  }

  /**
   * The tracks are settled: the remux starts, and ffmpeg when there is something to transcode. An Enhanced RTMP
   * publish (HEVC, AV1, VP9, Opus…) is transcoded from the source rendition's fMP4, since ffmpeg 5.1's FLV demuxer
   * knows legacy codecs only; without a source rendition in the ladder it cannot be, and is dropped.
   */
  private onTracksReady(tracks: FlvTracks): void {
    if (this.input.enhanced && this.transcodes().length > 0) {
      if (!this.remux) {
        this.o.log.warn({ ladder: this.ladder.map((e) => e.name) }, 'enhanced RTMP publish needs the source rendition');
        this.drop('bad media');
        return;
      }
      this.mp4Feed = new Fmp4Feed();
    }
    this.remuxStep(() => this.remux?.start());
    if (this.transcodes().length > 0 && this.state === 'open') {
      this.transcoder ??= this.createTranscoder();
      this.transcoder.start(tracks, this.mp4Feed ? 'mp4' : 'flv');
    }
    if (this.transcodes().length === 0 || this.mp4Feed) this.feed.dispose();
  }

  private transcodes(): TranscodedRendition[] {
    return this.ladder.filter((e): e is TranscodedRendition => e.kind === 'transcode');
  }

  /**
   * Runs a step nobody awaits (the feed's start timer, a run's end): a bug in it drops this publish, closing its
   * publisher, instead of escaping as an uncaught exception or unhandled rejection that ends the process.
   */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.o.log.error({ err }, 'publish failed');
      this.drop('internal error');
    }
  }

  /**
   * Runs a step of the source remux: media it cannot repackage (RemuxError) drops the publish with a warning, a
   * bug drops it as an internal error; either way the publisher is closed and nothing escapes.
   */
  private remuxStep(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (err instanceof RemuxError) {
        this.o.log.warn({ err }, 'source media not repackaged');
        this.drop('bad media');
        return;
      }
      this.o.log.error({ err }, 'publish failed');
      this.drop('internal error');
    }
  }

  /** An item of the source remux; a later init segment (new codec settings) starts a discontinuity. */
  private onSourceItem(item: Fmp4Item): void {
    if (item.kind === 'init' && this.sourceInitSeen) {
      const seg = this.segmenters.get('source');
      if (seg) this.writer.events('source', seg.discontinuity());
    }
    if (item.kind === 'init') this.sourceInitSeen = true;
    else this.input.health.partListed(this.o.publish.startedAtMs + item.info.startMs + item.info.durationMs);
    this.mp4Feed?.take(item);
    this.onItem('source', item, 0);
  }

  /**
   * @param offsetMs where the item's media timeline starts on the publish's, ms (a later ffmpeg run's media starts
   *   at 0 where it joined the publish).
   */
  private onItem(rendition: string, item: Fmp4Item, offsetMs: number): void {
    if (this.state === 'ended') return;
    if (item.kind === 'init') {
      this.writer.init(rendition, item.data, item.info);
      return;
    }
    const seg = this.segmenters.get(rendition);
    if (!seg) throw new Error(`no segmenter for rendition ${rendition}`);
    const { durationMs, independent, videoFrames, startMs } = item.info;
    const programDateTimeMs = this.o.publish.startedAtMs + offsetMs + startMs;
    this.writer.partSeen(rendition, { bytes: item.data.length, durationMs, videoFrames });
    this.timeline.part(rendition, durationMs);
    this.writer.events(
      rendition,
      seg.push({ data: item.data, durationMs, independent, videoFrames, programDateTimeMs }),
    );
  }

  /** A transcode run was replaced: its renditions' media breaks here (before the stream started: they start over). */
  private onRunEnded(renditions: readonly string[]): void {
    if (this.state === 'ended') return;
    if (!this.writer.started) {
      this.writer.reset(renditions);
      this.resetSegmenters(renditions);
      return;
    }
    for (const rendition of renditions) {
      const seg = this.segmenters.get(rendition);
      if (seg) this.writer.events(rendition, seg.discontinuity());
    }
  }

  /** Drops the publish when ffmpeg has not taken `maxPendingBytes` of input (it stalled or is too slow). */
  private checkBacklog(): void {
    const pending = this.transcoder?.pendingBytes ?? 0;
    if (pending <= this.o.maxPendingBytes) return;
    this.o.log.warn({ pendingBytes: pending, maxPendingBytes: this.o.maxPendingBytes }, 'ffmpeg stalled');
    this.drop('ffmpeg stalled');
  }

  /** New segmenters for `renditions` (all of the ladder's by default); what they held is off the stream timeline. */
  private resetSegmenters(renditions: readonly string[] = this.ladder.map((e) => e.name)): void {
    const { startedAtMs } = this.o.publish;
    this.timeline.reset(renditions);
    const [first, firstPart] = [firstMediaSequence(startedAtMs), firstPartSequence(startedAtMs)];
    for (const name of renditions)
      this.segmenters.set(name, new Segmenter(name, this.o.targetSegmentMs, first, firstPart));
  }

  private createFeed(): FlvFeed {
    return new FlvFeed({
      startTimeoutMs: this.o.startTimeoutMs,
      maxStartBufferBytes: this.o.maxPendingBytes,
      onReady: (tracks) => this.guarded(() => this.onTracksReady(tracks)),
    });
  }

  /** The source rendition's remux, when the ladder has it, its timeline starting where the current input does. */
  private createRemux(): SourceRemux | undefined {
    if (!this.o.ladder.some((e) => e.kind === 'source')) return undefined;
    return new SourceRemux({
      partTargetMs: this.o.partTargetMs,
      log: this.o.log,
      timelineStartMs: this.inputStartMs,
      onItem: (item) => this.onSourceItem(item),
    });
  }

  private createTranscoder(): Transcoder {
    return new Transcoder({
      ffmpegPath: this.o.ffmpegPath,
      ladder: this.transcodes(),
      socketDir: this.o.socketDir,
      nextRunId: this.o.nextRunId,
      partTargetMs: this.o.partTargetMs,
      maxBoxBytes: this.o.maxBoxBytes,
      maxLoggedLines: this.o.maxLoggedLines,
      flushTimeoutMs: this.o.endTimeoutMs,
      maxRestarts: this.o.maxRestarts,
      restartWindowMs: this.o.restartWindowMs,
      log: this.o.log,
      attach: (write) => this.attachRun(write),
      detach: () => {
        this.feed.detach();
        this.mp4Feed?.detach();
      },
      tracks: () => this.feed.tracks,
      onItem: (rendition, item, offsetMs) => this.onItem(rendition, item, offsetMs),
      onRunEnded: (renditions) => this.onRunEnded(renditions),
      onFailed: () => this.drop('ffmpeg failed'),
      guard: (step) => this.guarded(step),
    });
  }

  /** Feeds a new ffmpeg run the current publisher's media; its offset is on the publish's timeline, ms. */
  private attachRun(write: (chunk: Buffer) => void): RunInput {
    // The fMP4 feed's offset is the source's, the publish's; the FLV feed's is on the current publisher's timeline.
    if (this.mp4Feed) return this.mp4Feed.attach(write);
    const inputStartMs = this.inputStartMs;
    const fed = this.feed.attach(write);
    return { offsetMs: () => inputStartMs + (fed.offsetMs() ?? 0) };
  }

  private createWriter(): LiveStreamWriter {
    return new LiveStreamWriter({
      hub: this.o.hub,
      publish: this.o.publish,
      ladder: this.ladder,
      targetSegmentMs: this.o.targetSegmentMs,
      partTargetMs: this.o.partTargetMs,
      log: this.o.log,
      onRejected: (err) => {
        this.o.log.error({ err }, 'media hub rejected the live stream');
        this.drop('rejected by media hub');
      },
    });
  }

  /** Before the first ffmpeg starts: drops renditions that would upscale the source (onMetaData `height`). */
  private fitLadderTo(meta: Record<string, unknown>): void {
    const sourceHeight = typeof meta.height === 'number' ? meta.height : undefined;
    const ladder = fitLadder(this.o.ladder, sourceHeight);
    if (ladder.length === this.ladder.length) return;
    this.ladder = ladder;
    this.writer = this.createWriter();
    this.segmenters.clear();
    this.timeline = new StreamTimeline(ladder, this.o.publish.startedAtMs);
    this.resetSegmenters();
    this.o.log.info({ sourceHeight, ladder: ladder.map((e) => e.name) }, 'ladder fitted to the source');
  }
}
