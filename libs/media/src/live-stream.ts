import { OnairError } from '@onair/runtime';
import type { MediaEvent, StreamStarted } from './events.js';
import { RenditionWindow } from './rendition-window.js';

/** Receives every event applied to a live stream, in order. */
export type MediaListener = (event: MediaEvent) => void;

/**
 * One publish of a room as a server holds it: a window per rendition, fed by {@link LiveStream.apply},
 * and the listeners (gRPC subscribers, HLS stats) that follow it live.
 */
export class LiveStream {
  private readonly windows = new Map<string, RenditionWindow>();
  private readonly listeners = new Set<MediaListener>();
  private endedReason: string | undefined;

  /**
   * @param windowSize complete segments kept per rendition.
   * @param keepRetired keep segments that slid out fetchable (a server that serves HLS URLs). @default true
   */
  constructor(
    readonly info: StreamStarted,
    windowSize: number,
    keepRetired = true,
  ) {
    for (const r of info.renditions) {
      const window = new RenditionWindow(r.name, windowSize, {
        nominalTargetMs: info.targetSegmentDurationMs,
        discontinuitySequence: r.discontinuitySequence ?? 0,
        ...(keepRetired ? {} : { retiredCapacity: 0 }),
      });
      this.windows.set(r.name, window);
    }
  }

  get room(): string {
    return this.info.room;
  }

  /** Why the stream ended, once it has. */
  get ended(): string | undefined {
    return this.endedReason;
  }

  /** A rendition's window. */
  window(rendition: string): RenditionWindow | undefined {
    return this.windows.get(rendition);
  }

  /**
   * Applies one event to the windows, then hands it to every listener.
   * @throws OnairError INVALID_ARGUMENT for an unknown rendition, a second StreamStarted, or events after
   * StreamEnded (a broken upstream); the windows are unchanged then.
   */
  apply(event: MediaEvent): void {
    if (this.endedReason !== undefined) throw new OnairError('INVALID_ARGUMENT', `room ${this.room}: event after end`);
    switch (event.event) {
      case 'streamStarted':
        throw new OnairError('INVALID_ARGUMENT', `room ${this.room}: stream already started`);
      case 'initSegment':
        this.requireWindow(event.initSegment.rendition).setInit(event.initSegment.data);
        break;
      case 'part':
        this.requireWindow(event.part.rendition).addPart(event.part);
        break;
      case 'segmentEnd':
        this.requireWindow(event.segmentEnd.rendition).endSegment(
          event.segmentEnd.segmentSequence,
          event.segmentEnd.durationMs,
        );
        break;
      case 'discontinuity':
        this.requireWindow(event.discontinuity.rendition).markDiscontinuity();
        break;
      case 'streamEnded':
        this.endedReason = event.streamEnded.reason || 'ended';
        break;
    }
    for (const l of this.listeners) l(event);
  }

  /** Follows the stream; returns the function that stops following. */
  listen(listener: MediaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of listeners (subscribers) now. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /**
   * The events that rebuild this stream's current state on a new subscriber, so that its windows render the
   * same playlists: StreamStarted stating each rendition's discontinuity sequence (RFC 8216 §4.3.3.3), then per
   * rendition every windowed segment (complete and current) as init/discontinuity/parts/segment end, and a
   * discontinuity that no part followed yet. Retired segments are not replayed.
   */
  snapshot(): MediaEvent[] {
    const renditions = this.info.renditions.map((r) => ({
      ...r,
      discontinuitySequence: this.windows.get(r.name)?.discontinuitySequence() ?? 0,
    }));
    const out: MediaEvent[] = [{ event: 'streamStarted', streamStarted: { ...this.info, renditions } }];
    for (const [rendition, w] of this.windows) {
      let initId: string | undefined;
      const current = w.currentSegment();
      const segments = current ? [...w.completeSegments(), current] : [...w.completeSegments()];
      for (const seg of segments) {
        if (seg.discontinuity) out.push({ event: 'discontinuity', discontinuity: { rendition } });
        if (seg.init.id !== initId) {
          initId = seg.init.id;
          out.push({ event: 'initSegment', initSegment: { rendition, data: seg.init.data } });
        }
        for (const part of seg.parts) out.push({ event: 'part', part });
        if (seg.complete) {
          out.push({
            event: 'segmentEnd',
            segmentEnd: { rendition, segmentSequence: seg.sequence, durationMs: seg.durationMs },
          });
        }
      }
      if (w.discontinuityPending()) out.push({ event: 'discontinuity', discontinuity: { rendition } });
      const init = w.currentInit();
      if (init && init.id !== initId) out.push({ event: 'initSegment', initSegment: { rendition, data: init.data } });
    }
    return out;
  }

  private requireWindow(rendition: string): RenditionWindow {
    const w = this.windows.get(rendition);
    if (!w) throw new OnairError('INVALID_ARGUMENT', `room ${this.room}: unknown rendition ${rendition}`);
    return w;
  }
}
