import { describe, expect, it } from 'vitest';
import { ViewerTracker } from './viewer-tracker.js';

describe('ViewerTracker', () => {
  const setup = (): { tracker: ViewerTracker; clock: { ms: number } } => {
    const clock = { ms: 1_000_000 };
    return { tracker: new ViewerTracker({ windowMs: 30_000, now: () => clock.ms }), clock };
  };

  it('counts distinct IP and User-Agent pairs per room', () => {
    const { tracker } = setup();
    tracker.record('demo', '10.0.0.1', 'hls.js');
    tracker.record('demo', '10.0.0.1', 'hls.js');
    tracker.record('demo', '10.0.0.1', 'VLC');
    tracker.record('demo', '10.0.0.2', 'hls.js');
    tracker.record('other', '10.0.0.1', 'hls.js');
    expect(tracker.count('demo')).toBe(3);
    expect(tracker.count('other')).toBe(1);
    expect(tracker.count('nobody')).toBe(0);
  });

  it('forgets viewers not seen for the window', () => {
    const { tracker, clock } = setup();
    tracker.record('demo', '10.0.0.1', 'a');
    clock.ms += 20_000;
    tracker.record('demo', '10.0.0.2', 'b');
    clock.ms += 10_000;
    expect(tracker.count('demo')).toBe(2);
    clock.ms += 1;
    expect(tracker.count('demo')).toBe(1);
    clock.ms += 20_000;
    expect(tracker.counts()).toEqual(new Map());
  });

  it('keeps a viewer that keeps fetching', () => {
    const { tracker, clock } = setup();
    for (let i = 0; i < 10; i++) {
      tracker.record('demo', '10.0.0.1', 'a');
      clock.ms += 25_000;
    }
    expect(tracker.counts()).toEqual(new Map([['demo', 1]]));
  });

  it('counts each viewer for the rendition it fetched last', () => {
    const { tracker } = setup();
    tracker.record('demo', '10.0.0.1', 'a');
    tracker.record('demo', '10.0.0.2', 'b', 'source');
    tracker.record('demo', '10.0.0.3', 'c', 'source');
    tracker.record('demo', '10.0.0.3', 'c', '240p');
    tracker.record('demo', '10.0.0.3', 'c');
    expect(tracker.count('demo')).toBe(3);
    expect(tracker.countByRendition('demo')).toEqual(
      new Map([
        ['source', 1],
        ['240p', 1],
      ]),
    );
    expect(tracker.countByRendition('nobody')).toEqual(new Map());
  });
});
