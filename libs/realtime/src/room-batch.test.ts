import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatch, RoomBatcher, framesOf } from './room-batch.js';

const frame = (seq: number): string => `{"seq":${seq},"v":1,"type":"danmaku","text":"t${seq}"}`;

/** A batcher of `windowMs` and what it flushed, each flush as the JSON text of its WebSocket frame. */
function batcher(windowMs: number): { batcher: RoomBatcher; flushed: string[] } {
  const flushed: string[] = [];
  return { batcher: new RoomBatcher(windowMs, (batch) => flushed.push(batch.frame)), flushed };
}

/** The frames a flushed text carries: a batch's items, or the frame itself. */
const itemsOf = (text: string): unknown[] => {
  const frame = JSON.parse(text) as { type: string; items?: unknown[] };
  return frame.type === 'batch' ? frame.items! : [frame];
};

describe('FrameBatch', () => {
  it('is one v1 batch frame holding the items unchanged and in order, built and framed once', () => {
    const batch = new FrameBatch([frame(1), frame(2), '{"v":1,"type":"deleted","id":"x"}']);
    expect(JSON.parse(batch.frame)).toEqual({
      v: 1,
      type: 'batch',
      items: [
        { seq: 1, v: 1, type: 'danmaku', text: 't1' },
        { seq: 2, v: 1, type: 'danmaku', text: 't2' },
        { v: 1, type: 'deleted', id: 'x' },
      ],
    });
    expect(batch.frame).toBe(batch.frame);
    expect(batch.wire).toBe(batch.wire);
    expect(batch.wire.subarray(4).toString('utf8')).toBe(batch.frame);
    expect(framesOf(batch)).toEqual(batch.items);
    expect(new FrameBatch([frame(4)]).frame).toBe(frame(4));
    expect(framesOf(frame(3))).toEqual([frame(3)]);
  });
});

describe('RoomBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends every frame at once and on its own with a window of 0', () => {
    const { batcher: b, flushed } = batcher(0);
    b.add(frame(1));
    b.add(frame(2));
    expect(flushed).toEqual([frame(1), frame(2)]);
  });

  it('sends the first frame of a quiet room at once and gathers the next ones until the window ends', () => {
    const { batcher: b, flushed } = batcher(50);
    b.add(frame(1));
    expect(flushed).toEqual([frame(1)]);
    b.add(frame(2));
    b.add(frame(3));
    vi.advanceTimersByTime(49);
    expect(flushed).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(flushed).toHaveLength(2);
    expect(itemsOf(flushed[1]!)).toEqual([frame(2), frame(3)].map((f) => JSON.parse(f) as unknown));
  });

  it('keeps windows going while frames come, one send per window, and sends a lone frame as it is', () => {
    const { batcher: b, flushed } = batcher(50);
    for (let seq = 1; seq <= 30; seq++) {
      b.add(frame(seq));
      vi.advanceTimersByTime(5);
    }
    b.add(frame(31));
    vi.advanceTimersByTime(50);
    b.add(frame(32));
    vi.advanceTimersByTime(50);
    // Frame 1 at once (0 ms), then the windows ending at 50 (frames 2–10), 100, 150, 200 (31 alone) and 250 ms.
    expect(flushed.map((f) => itemsOf(f).length)).toEqual([1, 9, 10, 10, 1, 1]);
    expect(flushed[5]).toBe(frame(32));
    expect(flushed.flatMap(itemsOf)).toEqual(Array.from({ length: 32 }, (_, i) => JSON.parse(frame(i + 1)) as unknown));
  });

  it('ends the window after one without frames, so the next frame goes out at once again', () => {
    const { batcher: b, flushed } = batcher(50);
    b.add(frame(1));
    vi.advanceTimersByTime(50);
    b.add(frame(2));
    expect(flushed).toEqual([frame(1), frame(2)]);
  });

  it('passes a window of two or more through its filter', () => {
    const flushed: string[] = [];
    const b = new RoomBatcher(
      50,
      (batch) => flushed.push(batch.frame),
      (frames) => ({ frames: frames.slice(1) }),
    );
    for (const seq of [1, 2, 3, 4]) b.add(frame(seq));
    vi.advanceTimersByTime(50);
    expect(flushed).toEqual([frame(1), new FrameBatch([frame(3), frame(4)]).frame]);
  });

  it('drops what waits when closed', () => {
    const { batcher: b, flushed } = batcher(50);
    b.add(frame(1));
    b.add(frame(2));
    b.close();
    vi.advanceTimersByTime(100);
    expect(flushed).toEqual([frame(1)]);
    b.add(frame(3));
    expect(flushed).toEqual([frame(1), frame(3)]);
  });
});
