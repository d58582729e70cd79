import { describe, expect, it } from 'vitest';
import { aacFrame, avcFrame, avcHeader } from '../testing/flv-bodies.js';
import { PublishHealth } from './publish-health.js';

describe('PublishHealth', () => {
  /** 25 fps video with a keyframe every `gop` frames and B-frames when `cts`, plus AAC, for `seconds`, in real time. */
  function publish(seconds: number, o: { gop: number; cts: number; slowdown?: number }) {
    let wall = 1_700_000_000_000;
    const health = new PublishHealth(() => wall);
    health.metadata({ framerate: 25, videodatarate: 1000, audiodatarate: 128 });
    health.video(0, avcHeader());
    for (let i = 0; i < seconds * 25; i++) {
      wall = 1_700_000_000_000 + i * 40 * (o.slowdown ?? 1);
      health.video(i * 40, avcFrame(i % o.gop === 0, i % 2 ? o.cts : 0, 5000));
      health.audio(i * 40, aacFrame(300));
    }
    return health;
  }

  it('measures keyframe interval, frame and bit rates against what onMetaData declared', () => {
    expect(publish(12, { gop: 50, cts: 0 }).snapshot()).toMatchObject({
      keyframeIntervalMs: 2000,
      measuredFps: 25,
      declaredFps: 25,
      declaredBitrateKbps: 1128,
      bFrames: false,
      lateParts: 0,
      reconnects: 0,
    });
    const kbps = publish(12, { gop: 50, cts: 0 }).snapshot().measuredBitrateKbps;
    expect(kbps).toBeGreaterThan(1000);
    expect(kbps).toBeLessThan(1200);
  });

  it('sees B-frames in composition offsets', () => {
    expect(publish(2, { gop: 50, cts: 80 }).snapshot().bFrames).toBe(true);
  });

  it('reports an encoder slower than real time as negative drift', () => {
    // 10 s of media over 12.5 s of wall clock.
    expect(publish(10, { gop: 50, cts: 0, slowdown: 1.25 }).snapshot().driftMs).toBeCloseTo(-2490, -1);
  });

  it('keeps the wall clock of the last media message, which stays behind while the publisher is silent', () => {
    expect(new PublishHealth(() => 5_000).snapshot().lastMediaAtMs).toBe(0);
    // The last of 2 s of frames arrives 1960 ms after the first.
    expect(publish(2, { gop: 50, cts: 0 }).snapshot().lastMediaAtMs).toBe(1_700_000_001_960);
  });

  it('counts parts listed more than a second after their media', () => {
    const health = new PublishHealth(() => 10_000);
    health.partListed(9_500);
    health.partListed(8_000);
    expect(health.snapshot().lateParts).toBe(1);
  });
});
