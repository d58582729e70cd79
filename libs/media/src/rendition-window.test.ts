import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Part } from './events.js';
import { RenditionWindow } from './rendition-window.js';

const part = (segmentSequence: number, partIndex: number, durationMs = 500, bytes = 1000): Part => ({
  rendition: 'source',
  segmentSequence,
  partIndex,
  data: Buffer.alloc(bytes),
  durationMs,
  independent: partIndex === 0,
  programDateTimeMs: 1_700_000_000_000 + segmentSequence * 2000 + partIndex * 500,
  videoFrames: 12,
  partSequence: segmentSequence * 100 + partIndex,
});

function fill(w: RenditionWindow, sequences: number[], durationMs = 2000): void {
  for (const seq of sequences) {
    for (let i = 0; i < 4; i++) w.addPart(part(seq, i, durationMs / 4));
    w.endSegment(seq, durationMs);
  }
}

const sha256Hex16 = (data: string): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

describe('RenditionWindow', () => {
  it('keeps the last `capacity` complete segments and advances the media sequence', () => {
    const w = new RenditionWindow('source', 3);
    w.setInit(Buffer.from('init'));
    fill(w, [0, 1, 2, 3, 4]);
    expect(w.completeSegments().map((s) => s.sequence)).toEqual([2, 3, 4]);
    expect(w.mediaSequence()).toBe(2);
    expect(w.segment(3)?.parts).toHaveLength(4);
  });

  it('keeps segments that slid out findable, with their init, for one more window (RFC 8216 §6.2.2)', () => {
    const w = new RenditionWindow('source', 2);
    const first = w.setInit(Buffer.from('a'));
    fill(w, [0, 1]);
    w.markDiscontinuity();
    w.setInit(Buffer.from('b'));
    fill(w, [2, 3, 4]);
    // Window [3, 4]; 0, 1 and 2 slid out and stay retired: the window's duration plus their own.
    expect(w.completeSegments().map((s) => s.sequence)).toEqual([3, 4]);
    expect([0, 1, 2].map((seq) => w.segment(seq)?.sequence)).toEqual([0, 1, 2]);
    expect(w.initById(first.id)).toBe(first);
    fill(w, [5]);
    expect(w.segment(0)).toBeUndefined();
    expect(w.initById(first.id)).toBe(first);
    fill(w, [6]);
    expect(w.segment(1)).toBeUndefined();
    expect(w.initById(first.id)).toBeUndefined();
  });

  it('keeps nothing that slid out when it serves no URLs (retiredCapacity 0, ingest)', () => {
    const w = new RenditionWindow('source', 2, { retiredCapacity: 0 });
    w.setInit(Buffer.from('init'));
    fill(w, [0, 1, 2, 3]);
    expect(w.completeSegments().map((s) => s.sequence)).toEqual([2, 3]);
    expect([0, 1].map((seq) => w.segment(seq))).toEqual([undefined, undefined]);
    expect(w.part(0 * 100 + 1)).toBeUndefined();
    expect(w.part(2 * 100 + 1)?.segmentSequence).toBe(2);
  });

  it('names an init segment by the first 16 hex digits of its SHA-256, keeping the ref of an identical one', () => {
    const w = new RenditionWindow('source', 2);
    const a = w.setInit(Buffer.from('init-a'));
    expect(a.id).toBe(sha256Hex16('init-a'));
    expect(w.setInit(Buffer.from('init-a'))).toBe(a);
    const b = w.setInit(Buffer.from('init-b'));
    expect(b.id).toBe(sha256Hex16('init-b'));
    expect(new RenditionWindow('source', 2).setInit(Buffer.from('init-b')).id).toBe(b.id);
  });

  it('counts discontinuities that slid out (EXT-X-DISCONTINUITY-SEQUENCE), from the sender’s count', () => {
    const w = new RenditionWindow('source', 2, { discontinuitySequence: 5 });
    w.setInit(Buffer.from('a'));
    fill(w, [0]);
    w.markDiscontinuity();
    expect(w.discontinuityPending()).toBe(true);
    const second = w.setInit(Buffer.from('b'));
    fill(w, [1, 2]);
    expect(w.discontinuityPending()).toBe(false);
    expect(w.discontinuitySequence()).toBe(5);
    expect(w.segment(1)?.discontinuity).toBe(true);
    expect(w.segment(1)?.init).toBe(second);
    fill(w, [3]);
    expect(w.discontinuitySequence()).toBe(6);
  });

  const targets: Array<{ name: string; durations: number[]; nominalMs: number; want: number }> = [
    { name: 'empty window, unknown nominal target', durations: [], nominalMs: 0, want: 1 },
    { name: 'empty window uses the nominal target', durations: [], nominalMs: 2000, want: 2 },
    { name: 'exact seconds stay', durations: [2000, 2000], nominalMs: 2000, want: 2 },
    { name: 'noise below EXTINF precision does not round up', durations: [2000.0004], nominalMs: 0, want: 2 },
    // RFC 8216 §4.3.3.1 compares the EXTINF rounded to the nearest integer with the target duration.
    { name: 'a few ms over stays (2.021 s rounds to 2)', durations: [2021], nominalMs: 2000, want: 2 },
    { name: 'half a second over rounds up', durations: [2500], nominalMs: 2000, want: 3 },
    { name: 'the longest segment decides', durations: [1000, 4200, 2000], nominalMs: 2000, want: 4 },
    { name: 'a longer one decides upwards', durations: [1000, 4600, 2000], nominalMs: 2000, want: 5 },
    { name: 'short segments keep the nominal target', durations: [500, 700], nominalMs: 2000, want: 2 },
    {
      name: 'a long segment that slid out still counts',
      durations: [4600, 2000, 2000, 2000],
      nominalMs: 2000,
      want: 5,
    },
  ];
  it.each(targets)('EXT-X-TARGETDURATION (RFC 8216 §6.2.1): $name', ({ durations, nominalMs, want }) => {
    const w = new RenditionWindow('source', 2, { nominalTargetMs: nominalMs });
    w.setInit(Buffer.from('init'));
    durations.forEach((d, seq) => fill(w, [seq], d));
    expect(w.targetDurationS()).toBe(want);
  });

  it('closes an unfinished segment when a part of the next one arrives', () => {
    const w = new RenditionWindow('source', 6);
    w.setInit(Buffer.from('init'));
    w.addPart(part(7, 0));
    w.addPart(part(8, 0));
    expect(w.completeSegments().map((s) => s.sequence)).toEqual([7]);
    expect(w.currentSegment()?.sequence).toBe(8);
  });

  it('rejects parts before an init segment', () => {
    const w = new RenditionWindow('source', 6);
    expect(() => w.addPart(part(0, 0))).toThrow(/before init/);
  });

  it('measures bit rate and frame rate over complete segments', () => {
    const w = new RenditionWindow('source', 6);
    w.setInit(Buffer.from('init'));
    fill(w, [0, 1]);
    // 4 parts × 1000 bytes per 2000 ms = 16000 bit/s; 48 frames per 2 s = 24 fps.
    expect(w.stats()).toEqual({ averageBitrate: 16000, peakBitrate: 16000, fps: 24 });
  });
});
