import { createHash } from 'node:crypto';
import type { Part } from './events.js';

/** An init segment (ftyp+moov), named by its content: the same bytes always get the same id, other bytes another. */
export interface InitRef {
  /** {@link initId} of `data`. */
  readonly id: string;
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

/** Options of {@link RenditionWindow}. */
export interface RenditionWindowOptions {
  /** The publisher's target segment duration, ms; EXT-X-TARGETDURATION never goes below it. @default 0 */
  nominalTargetMs?: number;
  /**
   * Discontinuities that slid out before the first segment this window will hold: the sender's
   * EXT-X-DISCONTINUITY-SEQUENCE when the window is rebuilt from a snapshot. @default 0
   */
  discontinuitySequence?: number;
  /**
   * Segments kept after they slid out, still fetchable by URL: `capacity + 1` by default (RFC 8216 §6.2.2, see
   * `retire`); 0 for a server that serves no URLs (ingest), so a window holds only what it lists.
   */
  retiredCapacity?: number;
}

/**
 * Names an init segment by its content: the first 16 hex digits (64 bits) of its SHA-256 (FIPS 180-4). A URL
 * built from it names one init segment forever, and every relay of a chain names it the same way.
 */
export function initId(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * EXT-X-TARGETDURATION for a segment, s (RFC 8216 §4.3.3.1): its EXTINF duration (written with 3 decimals)
 * rounded to the nearest integer, which the target duration must not be below.
 */
function targetOf(durationMs: number): number {
  return Math.round(Math.round(durationMs) / 1000);
}

/**
 * The sliding window of one rendition (RFC 8216 §6.2.2): the last `capacity` complete segments plus the
 * one being written. Media sequence and discontinuity sequence advance as segments slide out. A segment
 * that slid out is retired, not dropped: it (and its init segment) can still be fetched while players may
 * hold a playlist that listed it.
 */
export class RenditionWindow {
  private readonly segments: Segment[] = [];
  private readonly retired: Segment[] = [];
  private current: Segment | undefined;
  private init: InitRef | undefined;
  private pendingDiscontinuity = false;
  private evictedDiscontinuities: number;
  private maxTargetS: number;
  /** Every part of the window, the current segment and the retired segments, by part sequence. */
  private readonly parts = new Map<number, Part>();
  private last: Part | undefined;
  private readonly retiredCapacity: number;

  /** @param capacity complete segments kept, ≥ 1. */
  constructor(
    readonly name: string,
    readonly capacity: number,
    { nominalTargetMs = 0, discontinuitySequence = 0, retiredCapacity = capacity + 1 }: RenditionWindowOptions = {},
  ) {
    if (capacity < 1) throw new RangeError('window capacity must be at least 1');
    this.retiredCapacity = retiredCapacity;
    this.evictedDiscontinuities = discontinuitySequence;
    this.maxTargetS = Math.max(1, Math.round(nominalTargetMs / 1000));
  }

  /** Sets the init segment that the next segments use; bytes identical to the current init keep its ref. */
  setInit(data: Buffer): InitRef {
    const id = initId(data);
    if (this.init?.id !== id) this.init = { id, data };
    return this.init;
  }

  /** The next segment follows a discontinuity; an unfinished current segment is closed as it is. */
  markDiscontinuity(): void {
    if (this.current) this.endSegment(this.current.sequence, this.current.durationMs);
    this.pendingDiscontinuity = true;
  }

  /** True after a discontinuity that no part followed yet: the next segment will carry it. */
  discontinuityPending(): boolean {
    return this.pendingDiscontinuity;
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
    this.parts.set(part.partSequence, part);
    this.last = part;
  }

  /** Completes segment `sequence` (ignored when it is not the current one) and slides the window. */
  endSegment(sequence: number, durationMs: number): void {
    const seg = this.current;
    if (!seg || seg.sequence !== sequence) return;
    seg.durationMs = durationMs;
    seg.complete = true;
    this.current = undefined;
    this.segments.push(seg);
    this.maxTargetS = Math.max(this.maxTargetS, targetOf(durationMs));
    while (this.segments.length > this.capacity) this.retire();
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

  /** The last part added, if any: the live edge (rfc8216bis §4.4.5.4 LAST-MSN, LAST-PART). */
  lastPart(): Part | undefined {
    return this.last;
  }

  /**
   * A part by its part sequence: of the window, the current segment or a retired segment, so a part stays
   * fetchable after its EXT-X-PART tag left the playlist (rfc8216bis §6.2.2).
   */
  part(partSequence: number): Part | undefined {
    return this.parts.get(partSequence);
  }

  /** Media sequence number of the first complete segment (EXT-X-MEDIA-SEQUENCE). */
  mediaSequence(): number {
    return this.segments[0]?.sequence ?? this.current?.sequence ?? 0;
  }

  /** Discontinuities that slid out of the window (EXT-X-DISCONTINUITY-SEQUENCE, RFC 8216 §4.3.3.3). */
  discontinuitySequence(): number {
    return this.evictedDiscontinuities;
  }

  /**
   * EXT-X-TARGETDURATION, s (RFC 8216 §4.3.3.1): the longest complete segment this window ever held, its EXTINF
   * rounded to the nearest integer, never below the publisher's target (rounded likewise) and at least 1. It never
   * decreases, since a server must not change it (RFC 8216 §6.2.1).
   */
  targetDurationS(): number {
    return this.maxTargetS;
  }

  /** A complete segment by media sequence number: one of the window, or a retired one. */
  segment(sequence: number): Segment | undefined {
    const match = (s: Segment): boolean => s.sequence === sequence;
    return this.segments.find(match) ?? this.retired.find(match);
  }

  /** An init segment still in use by the window, the current segment or a retired segment, by id. */
  initById(id: string): InitRef | undefined {
    if (this.init?.id === id) return this.init;
    if (this.current?.init.id === id) return this.current.init;
    const match = (s: Segment): boolean => s.init.id === id;
    return (this.segments.find(match) ?? this.retired.find(match))?.init;
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

  /**
   * Moves the oldest segment out of the window into the retired list. RFC 8216 §6.2.2: a segment removed from
   * the playlist must stay available for its own duration plus that of the longest playlist that listed it, so
   * `capacity + 1` retired segments are kept (for segments of about equal duration, as keyframe-cut ones are).
   */
  private retire(): void {
    const gone = this.segments.shift();
    if (!gone) return;
    if (gone.discontinuity) this.evictedDiscontinuities++;
    this.retired.push(gone);
    if (this.retired.length > this.retiredCapacity) {
      const dropped = this.retired.shift();
      for (const p of dropped?.parts ?? []) this.parts.delete(p.partSequence);
    }
  }
}
