import type { MediaEvent, MediaHub } from '@onair/media';
import type { Logger } from '@onair/runtime';
import type { InitInfo } from '../fmp4/init-segment.js';
import type { LadderEntry } from '../transcode/ladder.js';
import type { Publish } from './publish-sink.js';
import { describeRendition, type FirstPart } from './rendition-info.js';

/** Options of {@link LiveStreamWriter}. */
export interface LiveStreamWriterOptions {
  hub: MediaHub;
  publish: Publish;
  ladder: readonly LadderEntry[];
  /** ms. */
  targetSegmentMs: number;
  /** Part Target Duration, ms (rfc8216bis §4.4.3.7). */
  partTargetMs: number;
  log: Logger;
  /** Called when the hub refuses an event (the live stream was replaced or ended elsewhere). */
  onRejected: (err: unknown) => void;
}

interface RenditionState {
  init: { data: Buffer; info: InitInfo } | undefined;
  first: FirstPart | undefined;
  queued: MediaEvent[];
}

/**
 * Writes one publish into the MediaHub. Until every rendition has its init segment and first part it holds the
 * events; then it starts the live stream (StreamStarted with each rendition's codecs, size, frame rate and
 * bandwidth) and applies the held events, and from then on applies events as they come. The stream's window holds
 * at least every segment held at the start (the source may be seconds ahead of a transcode that is slow to start),
 * so a follower that subscribes when the stream starts, such as a recording relay, gets the publish from its first
 * segment.
 */
export class LiveStreamWriter {
  private readonly renditions = new Map<string, RenditionState>();
  private meta: Record<string, unknown> | undefined;
  private startedStream = false;
  private endedStream = false;

  constructor(private readonly o: LiveStreamWriterOptions) {
    this.reset();
  }

  /** True once StreamStarted went to the hub. */
  get started(): boolean {
    return this.startedStream;
  }

  /** The publisher's onMetaData, for the source rendition's bandwidth and the frame rate. */
  metadata(meta: Record<string, unknown>): void {
    this.meta = meta;
  }

  /**
   * Forgets what `renditions` (all of the ladder's by default) held before the start: an ffmpeg restart before the
   * stream could start.
   */
  reset(renditions: readonly string[] = this.o.ladder.map((e) => e.name)): void {
    for (const name of renditions) this.renditions.set(name, { init: undefined, first: undefined, queued: [] });
  }

  /** A rendition's init segment (a new one after a restart). */
  init(rendition: string, data: Buffer, info: InitInfo): void {
    const state = this.state(rendition);
    state.init = { data, info };
    if (this.startedStream) this.apply({ event: 'initSegment', initSegment: { rendition, data } });
    else this.tryStart();
  }

  /** Notes a rendition's first part for its rate estimates. */
  partSeen(rendition: string, part: FirstPart): void {
    const state = this.state(rendition);
    if (state.first) return;
    state.first = part;
    if (!this.startedStream) this.tryStart();
  }

  /** Events of one rendition from its segmenter. */
  events(rendition: string, events: MediaEvent[]): void {
    if (this.startedStream) for (const e of events) this.apply(e);
    else this.state(rendition).queued.push(...events);
  }

  /** Ends the live stream, if this publish started it and it is still this publish's. */
  end(reason: string): void {
    if (!this.startedStream || this.endedStream) return;
    this.endedStream = true;
    const live = this.o.hub.get(this.o.publish.room);
    if (live?.info.publishId === this.o.publish.publishId) this.o.hub.end(this.o.publish.room, reason);
  }

  private tryStart(): void {
    const ready: Array<{
      entry: LadderEntry;
      state: RenditionState;
      init: { data: Buffer; info: InitInfo };
      first: FirstPart;
    }> = [];
    for (const entry of this.o.ladder) {
      const state = this.state(entry.name);
      if (!state.init || !state.first) return;
      ready.push({ entry, state, init: state.init, first: state.first });
    }
    const { room, publishId, startedAtMs } = this.o.publish;
    const renditions = ready.map(({ entry, init, first }) => describeRendition(entry, init.info, first, this.meta));
    const heldSegments = Math.max(
      ...ready.map(({ state }) => state.queued.filter((e) => e.event === 'segmentEnd').length),
    );
    try {
      this.o.hub.start(
        {
          room,
          publishId,
          startedAtMs,
          renditions,
          targetSegmentDurationMs: this.o.targetSegmentMs,
          partTargetMs: this.o.partTargetMs,
        },
        heldSegments,
      );
    } catch (err) {
      this.o.onRejected(err);
      return;
    }
    this.startedStream = true;
    this.o.log.info({ renditions, heldSegments }, 'live stream started');
    for (const { entry, state, init } of ready) {
      this.apply({ event: 'initSegment', initSegment: { rendition: entry.name, data: init.data } });
      for (const e of state.queued) this.apply(e);
      state.queued = [];
    }
  }

  private apply(event: MediaEvent): void {
    if (this.endedStream) return;
    try {
      this.o.hub.apply(this.o.publish.room, event);
    } catch (err) {
      this.endedStream = true;
      this.o.onRejected(err);
    }
  }

  private state(rendition: string): RenditionState {
    const state = this.renditions.get(rendition);
    if (!state) throw new Error(`rendition ${rendition} is not in the ladder`);
    return state;
  }
}
