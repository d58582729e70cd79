import type { Part } from './events.js';

/** An init segment (ftyp+moov) with an id that changes whenever the init does. */
export interface InitRef {
  readonly id: number;
  readonly data: Buffer;
}

/** A segment of one rendition: parts in order, complete once its SegmentEnd arrived. */
export interface Segment {
  readonly sequence: number;
  readonly init: InitRef;
  /** True when the segment follows a discontinuity (RFC 8216 §4.3.2.3). */
  readonly discontinuity: boolean;
  readonly parts: Part[];
  /** Wall clock of the first sample, unix epoch ms. */
  readonly programDateTimeMs: number;
  /** Sum of part durations, ms; final once `complete`. */
  durationMs: number;
  /** Sum of part sizes, bytes. */
  bytes: number;
  complete: boolean;
}

/**
 * The sliding window of one rendition (RFC 8216 §6.2.2): the last `capacity` complete segments plus the
 * one being written. Media sequence and discontinuity sequence advance as segments slide out.
 */
export class RenditionWindow {
  private readonly segments: Segment[] = [];
  private current: Segment | undefined;
  private init: InitRef | undefined;
  private nextInitId = 0;
  private pendingDiscontinuity = false;
  private evictedDiscontinuities = 0;

  /** @param capacity complete segments kept, ≥ 1. */
  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {
    if (capacity < 1) throw new RangeError('window capacity must be at least 1');
  }

  /** Sets the init segment that the next segments use. */
  setInit(data: Buffer): InitRef {
    this.init = { id: this.nextInitId++, data };
    return this.init;
  }

  /** The next segment follows a discontinuity; an unfinished current segment is closed as it is. */
  markDiscontinuity(): void {
    if (this.current) this.endSegment(this.current.sequence, this.current.durationMs);
    this.pendingDiscontinuity = true;
  }

  /**
   * Appends a part. A part of a new sequence number closes an unfinished current segment and opens one.
   * @throws Error when no init segment was set (a broken upstream).
   */
  addPart(part: Part): void {
    if (!this.init) throw new Error(`rendition ${this.name}: part before init segment`);
    if (this.current && this.current.sequence !== part.segmentSequence) {
      this.endSegment(this.current.sequence, this.current.durationMs);
    }
    if (!this.current) {
      this.current = {
        sequence: part.segmentSequence,
        init: this.init,
        discontinuity: this.pendingDiscontinuity,
        parts: [],
        programDateTimeMs: part.programDateTimeMs,
        durationMs: 0,
        bytes: 0,
        complete: false,
      };
      this.pendingDiscontinuity = false;
    }
    this.current.parts.push(part);
    this.current.durationMs += part.durationMs;
    this.current.bytes += part.data.length;
  }

  /** Completes segment `sequence` (ignored when it is not the current one) and slides the window. */
  endSegment(sequence: number, durationMs: number): void {
    const seg = this.current;
    if (!seg || seg.sequence !== sequence) return;
    seg.durationMs = durationMs;
    seg.complete = true;
    this.current = undefined;
    this.segments.push(seg);
    while (this.segments.length > this.capacity) {
      const gone = this.segments.shift();
      if (gone?.discontinuity) this.evictedDiscontinuities++;
    }
  }

  /** Complete segments, oldest first. */
  completeSegments(): readonly Segment[] {
    return this.segments;
  }

  /** The segment being written, if any. */
  currentSegment(): Segment | undefined {
    return this.current;
  }

  /** The init segment in use now. */
  currentInit(): InitRef | undefined {
    return this.init;
  }

  /** Media sequence number of the first complete segment (EXT-X-MEDIA-SEQUENCE). */
  mediaSequence(): number {
    return this.segments[0]?.sequence ?? this.current?.sequence ?? 0;
  }

  /** Discontinuities that slid out of the window (EXT-X-DISCONTINUITY-SEQUENCE, RFC 8216 §4.3.3.3). */
  discontinuitySequence(): number {
    return this.evictedDiscontinuities;
  }

  /** A complete segment by media sequence number. */
  segment(sequence: number): Segment | undefined {
    return this.segments.find((s) => s.sequence === sequence);
  }

  /** An init segment still referenced by the window (or current), by id. */
  initById(id: number): InitRef | undefined {
    if (this.init?.id === id) return this.init;
    return this.segments.find((s) => s.init.id === id)?.init;
  }

  /**
   * Media statistics over the complete segments of the window.
   * @returns bit rate (average and the peak segment's, bit/s) and frame rate (frames/s); zeros when empty.
   */
  stats(): { averageBitrate: number; peakBitrate: number; fps: number } {
    let bytes = 0;
    let ms = 0;
    let frames = 0;
    let peak = 0;
    for (const s of this.segments) {
      bytes += s.bytes;
      ms += s.durationMs;
      for (const p of s.parts) frames += p.videoFrames;
      if (s.durationMs > 0) peak = Math.max(peak, (s.bytes * 8 * 1000) / s.durationMs);
    }
    if (ms === 0) return { averageBitrate: 0, peakBitrate: 0, fps: 0 };
    return { averageBitrate: (bytes * 8 * 1000) / ms, peakBitrate: peak, fps: (frames * 1000) / ms };
  }
}
