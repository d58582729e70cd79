import type { MediaEvent } from '@onair/media';
import { describe, expect, it } from 'vitest';
import { firstMediaSequence, Segmenter, type SegmenterPart } from './segmenter.js';

/** A hand-built part: `K` an independent 500 ms part, `p` a dependent one, `a` an audio-only 500 ms part. */
function part(kind: string, at: number): SegmenterPart {
  return {
    data: Buffer.from(kind),
    durationMs: 500,
    independent: kind !== 'p',
    videoFrames: kind === 'a' ? 0 : 12,
    programDateTimeMs: 1_000_000 + at * 500,
  };
}

/** Renders events compactly: `0.1` a part (segment.index), `|0:1000` a segment end, `D` a discontinuity. */
function render(events: MediaEvent[]): string {
  return events
    .map((e) => {
      switch (e.event) {
        case 'part':
          return `${e.part.segmentSequence}.${e.part.partIndex}`;
        case 'segmentEnd':
          return `|${e.segmentEnd.segmentSequence}:${e.segmentEnd.durationMs}`;
        case 'discontinuity':
          return 'D';
        default:
          return e.event;
      }
    })
    .join(' ');
}

/** Runs a script: part kinds, `!` a discontinuity, `$` the end. */
function play(script: string, targetMs = 2000): string {
  const s = new Segmenter('source', targetMs);
  const out: MediaEvent[] = [];
  [...script].forEach((c, i) => {
    if (c === '!') out.push(...s.discontinuity());
    else if (c === '$') out.push(...s.finish());
    else out.push(...s.push(part(c, i)));
  });
  return render(out);
}

describe('Segmenter', () => {
  it.each([
    {
      name: 'cuts on the keyframe that follows 2 s (2 s GOP)',
      script: 'KpppKpppK$',
      want: '0.0 0.1 0.2 0.3 |0:2000 1.0 1.1 1.2 1.3 |1:2000 2.0 |2:500',
    },
    {
      name: 'waits for a keyframe past the target (3 s GOP)',
      script: 'KpppppKppppp$',
      want: '0.0 0.1 0.2 0.3 0.4 0.5 |0:3000 1.0 1.1 1.2 1.3 1.4 1.5 |1:3000',
    },
    {
      name: 'does not cut on a keyframe before the target (1 s GOP)',
      script: 'KpKpKpKp$',
      want: '0.0 0.1 0.2 0.3 |0:2000 1.0 1.1 1.2 1.3 |1:2000',
    },
    {
      name: 'cuts audio-only parts (all independent) at the target',
      script: 'aaaaaa$',
      want: '0.0 0.1 0.2 0.3 |0:2000 1.0 1.1 |1:1000',
    },
    {
      name: 'closes the open segment on a discontinuity and continues the numbers',
      script: 'KpppKp!Kppp$',
      want: '0.0 0.1 0.2 0.3 |0:2000 1.0 1.1 |1:1000 D 2.0 2.1 2.2 2.3 |2:2000',
    },
    {
      name: 'sends only the discontinuity when no segment is open',
      script: 'KpppK$!K$',
      want: '0.0 0.1 0.2 0.3 |0:2000 1.0 |1:500 D 2.0 |2:500',
    },
    { name: 'ends nothing when nothing was pushed', script: '$', want: '' },
  ])('$name', ({ script, want }) => {
    expect(play(script)).toBe(want);
  });

  it('carries the part fields through', () => {
    const [event] = new Segmenter('480p', 2000, 0, 1_700_000_000_000).push({
      data: Buffer.from('x'),
      durationMs: 520,
      independent: true,
      videoFrames: 13,
      programDateTimeMs: 1234.6,
    });
    expect(event).toEqual({
      event: 'part',
      part: {
        rendition: '480p',
        segmentSequence: 0,
        partIndex: 0,
        data: Buffer.from('x'),
        durationMs: 520,
        independent: true,
        programDateTimeMs: 1235,
        videoFrames: 13,
        partSequence: 1_700_000_000_000,
      },
    });
  });

  it('numbers parts on across segments and discontinuities', () => {
    const s = new Segmenter('source', 1000, 10, 500);
    const p = (independent: boolean) => ({
      data: Buffer.alloc(1),
      durationMs: 500,
      independent,
      videoFrames: 1,
      programDateTimeMs: 0,
    });
    const events = [
      ...s.push(p(true)),
      ...s.push(p(false)),
      ...s.push(p(true)),
      ...s.discontinuity(),
      ...s.push(p(true)),
    ];
    const parts = events.flatMap((e) => (e.event === 'part' ? [e.part] : []));
    expect(parts.map((x) => [x.segmentSequence, x.partIndex, x.partSequence])).toEqual([
      [10, 0, 500],
      [10, 1, 501],
      [11, 0, 502],
      [12, 0, 503],
    ]);
  });
});

describe('firstMediaSequence', () => {
  it('numbers a later publish of a room after every segment of an earlier one', () => {
    const first = new Segmenter('source', 500, firstMediaSequence(1_700_000_000_000));
    let last = 0;
    // One hour of 500 ms segments, the shortest a target allows.
    for (let i = 0; i < 7200; i++) {
      const events = first.push(part('K', i));
      for (const e of events) if (e.event === 'segmentEnd') last = e.segmentEnd.segmentSequence;
    }
    expect(firstMediaSequence(1_700_000_000_000 + 3_600_000)).toBeGreaterThan(last);
  });
});
