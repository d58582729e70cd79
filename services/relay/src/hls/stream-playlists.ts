import type { LiveStream, MediaEvent, Part, RenditionWindow } from '@onair/media';
import type { LiveEdge } from './delivery-directives.js';
import { renderMediaPlaylist, type RenditionReport, type SkipRequest } from './media-playlist.js';

/** How a wait for a rendition's live edge ended. */
export type WaitOutcome = 'ready' | 'timeout' | 'ended';

interface Waiter {
  /** True once what the request waits for is there. */
  ready(): boolean;
  settle(outcome: WaitOutcome): void;
}

/** Rendered playlist bytes of one rendition at one version of the stream, by variant ("", "YES", "v2"). */
interface RenderCache {
  version: number;
  readonly bytes: Map<string, Buffer>;
  /** The rendition's live edge at this version, worked out once: every held request checks it on every event. */
  edge?: LiveEdge | undefined;
}

/**
 * The HLS side of one live stream: each rendition's media playlist rendered once per change of the stream and the
 * bytes reused for every request of the same variant, and the requests held until a rendition's playlist has
 * what they wait for (blocking reload, preload-hinted parts). A held request costs a closure and a timer; it is
 * woken by the event that satisfies it, never by polling. Any event of the stream changes every rendition's
 * playlist (rendition reports name the others' live edges), so the version is the stream's.
 */
export class StreamPlaylists {
  private version = 0;
  private readonly cache = new Map<string, RenderCache>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly stopListening: () => void;

  constructor(readonly stream: LiveStream) {
    this.stopListening = stream.listen((event) => this.onEvent(event));
  }

  /** The rendition's media playlist now, as UTF-8 bytes; a Delta Update when `skip` is set. */
  playlist(rendition: string, skip?: SkipRequest): Buffer | undefined {
    const window = this.stream.window(rendition);
    if (!window) return undefined;
    const entry = this.current(rendition);
    const key = skip ?? '';
    let bytes = entry.bytes.get(key);
    if (!bytes) {
      bytes = Buffer.from(this.render(rendition, window, skip), 'utf8');
      entry.bytes.set(key, bytes);
    }
    return bytes;
  }

  /** The rendition's live edge, for blocking requests. */
  edge(rendition: string): LiveEdge | undefined {
    const window = this.stream.window(rendition);
    if (!window) return undefined;
    const entry = this.current(rendition);
    entry.edge ??= this.edgeOf(window);
    return entry.edge;
  }

  /** The rendition's cache entry at the stream's current version. */
  private current(rendition: string): RenderCache {
    let entry = this.cache.get(rendition);
    if (!entry || entry.version !== this.version) {
      entry = { version: this.version, bytes: new Map() };
      this.cache.set(rendition, entry);
    }
    return entry;
  }

  private edgeOf(window: RenditionWindow): LiveEdge {
    const last = window.lastPart();
    const complete = window.completeSegments();
    const { targetSegmentDurationMs, partTargetMs } = this.stream.info;
    return {
      lastPart: last ? { msn: last.segmentSequence, index: last.partIndex } : undefined,
      lastSegmentMsn: complete[complete.length - 1]?.sequence,
      partsPerSegment: partTargetMs > 0 ? Math.max(1, Math.ceil(targetSegmentDurationMs / partTargetMs)) : 1,
    };
  }

  /** The part sequence the next part of the rendition will have: one past the last part's. */
  nextPartSequence(rendition: string): number | undefined {
    const last = this.stream.window(rendition)?.lastPart();
    return last ? last.partSequence + 1 : undefined;
  }

  /**
   * Holds until `ready()` is true after an event of `rendition` (checked at once first), the stream ends, or
   * `timeoutMs` passes.
   */
  waitFor(rendition: string, ready: () => boolean, timeoutMs: number): Promise<WaitOutcome> {
    if (this.stream.ended !== undefined) return Promise.resolve('ended');
    if (ready()) return Promise.resolve('ready');
    return new Promise((resolve) => {
      let set = this.waiters.get(rendition);
      if (!set) {
        set = new Set();
        this.waiters.set(rendition, set);
      }
      const waiting = set;
      const waiter: Waiter = {
        ready,
        settle: (outcome) => {
          clearTimeout(timer);
          waiting.delete(waiter);
          resolve(outcome);
        },
      };
      const timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      waiting.add(waiter);
    });
  }

  /** A part of a rendition by part sequence (see RenditionWindow.part). */
  part(rendition: string, partSequence: number): Part | undefined {
    return this.stream.window(rendition)?.part(partSequence);
  }

  /** Requests held now, over every rendition. */
  get held(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /** Stops following the stream and releases every held request as ended. */
  close(): void {
    this.stopListening();
    this.release();
  }

  private onEvent(event: MediaEvent): void {
    this.version++;
    if (event.event === 'streamEnded') {
      this.release();
      return;
    }
    const rendition = renditionOf(event);
    const set = rendition === undefined ? undefined : this.waiters.get(rendition);
    if (!set) return;
    for (const waiter of [...set]) if (waiter.ready()) waiter.settle('ready');
  }

  private release(): void {
    for (const set of this.waiters.values()) for (const waiter of [...set]) waiter.settle('ended');
    this.waiters.clear();
  }

  private render(rendition: string, window: RenditionWindow, skip: SkipRequest | undefined): string {
    const renditionReports: RenditionReport[] = [];
    for (const r of this.stream.info.renditions) {
      if (r.name === rendition) continue;
      const edge = this.edge(r.name);
      if (!edge) continue;
      const lastMsn = edge.lastPart?.msn ?? edge.lastSegmentMsn;
      if (lastMsn !== undefined)
        renditionReports.push({ uri: `../${r.name}/index.m3u8`, lastMsn, lastPart: edge.lastPart?.index });
    }
    return renderMediaPlaylist({
      segments: window.completeSegments(),
      current: window.currentSegment(),
      mediaSequence: window.mediaSequence(),
      discontinuitySequence: window.discontinuitySequence(),
      targetDurationS: window.targetDurationS(),
      partTargetMs: this.stream.info.partTargetMs,
      ended: this.stream.ended !== undefined,
      nextPartSequence: this.nextPartSequence(rendition),
      renditionReports,
      skip,
    });
  }
}

/** The rendition a media event is about; undefined for stream-wide events. */
function renditionOf(event: MediaEvent): string | undefined {
  switch (event.event) {
    case 'part':
      return event.part.rendition;
    case 'segmentEnd':
      return event.segmentEnd.rendition;
    case 'initSegment':
      return event.initSegment.rendition;
    case 'discontinuity':
      return event.discontinuity.rendition;
    default:
      return undefined;
  }
}
