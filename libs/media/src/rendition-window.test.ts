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
});

function fill(w: RenditionWindow, sequences: number[]): void {
  for (const seq of sequences) {
    for (let i = 0; i < 4; i++) w.addPart(part(seq, i));
    w.endSegment(seq, 2000);
  }
}

describe('RenditionWindow', () => {
  it('keeps the last `capacity` complete segments and advances the media sequence', () => {
    const w = new RenditionWindow('source', 3);
    w.setInit(Buffer.from('init'));
    fill(w, [0, 1, 2, 3, 4]);
    expect(w.completeSegments().map((s) => s.sequence)).toEqual([2, 3, 4]);
    expect(w.mediaSequence()).toBe(2);
    expect(w.segment(1)).toBeUndefined();
    expect(w.segment(3)?.parts).toHaveLength(4);
  });

  it('counts discontinuities that slide out (EXT-X-DISCONTINUITY-SEQUENCE)', () => {
    const w = new RenditionWindow('source', 2);
    w.setInit(Buffer.from('a'));
    fill(w, [0]);
    w.markDiscontinuity();
    const second = w.setInit(Buffer.from('b'));
    fill(w, [1, 2]);
    expect(w.discontinuitySequence()).toBe(0);
    expect(w.segment(1)?.discontinuity).toBe(true);
    expect(w.segment(1)?.init).toBe(second);
    fill(w, [3]);
    expect(w.discontinuitySequence()).toBe(1);
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
