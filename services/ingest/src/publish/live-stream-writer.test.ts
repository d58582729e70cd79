import { MediaHub, type MediaEvent } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { describe, expect, it } from 'vitest';
import type { InitInfo } from '../fmp4/init-segment.js';
import type { LadderEntry } from '../transcode/ladder.js';
import { LiveStreamWriter } from './live-stream-writer.js';

const ladder: LadderEntry[] = [
  { kind: 'source', name: 'source' },
  { kind: 'transcode', name: '480p', width: 854, height: 480, videoKbps: 1200, audioKbps: 128 },
];
const info: InitInfo = {
  tracks: [
    {
      trackId: 1,
      handler: 'vide',
      timescale: 1000,
      width: 854,
      height: 480,
      codec: 'avc1.64001e',
      defaults: { duration: 0, size: 0, flags: 0 },
    },
  ],
};
const publish = { room: 'demo', publishId: 'p1', startedAtMs: 1_700_000_000_000 };
const part = (rendition: string): MediaEvent => ({
  event: 'part',
  part: {
    rendition,
    segmentSequence: 0,
    partIndex: 0,
    data: Buffer.from('x'),
    durationMs: 500,
    independent: true,
    programDateTimeMs: publish.startedAtMs,
    videoFrames: 12,
    partSequence: 0,
  },
});

function setup(): { hub: MediaHub; writer: LiveStreamWriter; seen: string[]; rejected: unknown[] } {
  const hub = new MediaHub();
  const seen: string[] = [];
  const rejected: unknown[] = [];
  hub.onStarted((s) =>
    s.listen((e) =>
      seen.push(
        `${e.event}:${e.event === 'part' ? e.part.rendition : e.event === 'initSegment' ? e.initSegment.rendition : ''}`,
      ),
    ),
  );
  const writer = new LiveStreamWriter({
    hub,
    publish,
    ladder,
    targetSegmentMs: 2000,
    partTargetMs: 500,
    log: createLogger({ service: 'test', level: 'silent' }),
    onRejected: (err) => rejected.push(err),
  });
  return { hub, writer, seen, rejected };
}

describe('LiveStreamWriter', () => {
  it('holds events until every rendition has an init segment and a first part, then starts and replays them', () => {
    const { hub, writer, seen } = setup();
    writer.init('source', Buffer.from('i1'), info);
    writer.partSeen('source', { bytes: 1000, durationMs: 500, videoFrames: 12 });
    writer.events('source', [part('source')]);
    expect(hub.get('demo')).toBeUndefined();
    writer.init('480p', Buffer.from('i2'), info);
    expect(hub.get('demo')).toBeUndefined();
    writer.partSeen('480p', { bytes: 1000, durationMs: 500, videoFrames: 12 });
    writer.events('480p', [part('480p')]);
    expect(hub.get('demo')?.info).toMatchObject({
      publishId: 'p1',
      targetSegmentDurationMs: 2000,
      renditions: [
        { name: 'source', frameRate: 24 },
        { name: '480p', bandwidth: 1_200_000 },
      ],
    });
    expect(seen).toEqual(['initSegment:source', 'part:source', 'initSegment:480p', 'part:480p']);
  });

  it('forgets what it held on reset, and ends only its own stream', () => {
    const { hub, writer, seen } = setup();
    writer.init('source', Buffer.from('i1'), info);
    writer.partSeen('source', { bytes: 1000, durationMs: 500, videoFrames: 12 });
    writer.events('source', [part('source')]);
    writer.reset();
    for (const r of ['source', '480p']) {
      writer.init(r, Buffer.from('new'), info);
      writer.partSeen(r, { bytes: 1000, durationMs: 500, videoFrames: 12 });
    }
    expect(writer.started).toBe(true);
    expect(seen).toEqual(['initSegment:source', 'initSegment:480p']);
    const live = hub.get('demo');
    if (!live) throw new Error('not started');
    hub.start({ ...live.info, publishId: 'p2' });
    writer.end('done');
    expect(hub.get('demo')?.info.publishId).toBe('p2');
  });

  it('reports an event the hub refuses and stops writing', () => {
    const { hub, writer, rejected } = setup();
    for (const r of ['source', '480p']) {
      writer.init(r, Buffer.from('i'), info);
      writer.partSeen(r, { bytes: 1000, durationMs: 500, videoFrames: 12 });
    }
    hub.end('demo', 'gone');
    writer.events('source', [part('source'), part('source')]);
    expect(rejected).toHaveLength(1);
  });

  it('keeps every segment held before the start in the window, however small the hub keeps it', () => {
    const hub = new MediaHub({ windowSize: 1, keepRetired: false });
    const writer = new LiveStreamWriter({
      hub,
      publish,
      ladder,
      targetSegmentMs: 2000,
      partTargetMs: 500,
      log: createLogger({ service: 'test', level: 'silent' }),
      onRejected: (err) => expect.fail(String(err)),
    });
    writer.init('source', Buffer.from('i1'), info);
    writer.partSeen('source', { bytes: 1000, durationMs: 500, videoFrames: 12 });
    // The source is three segments ahead when the transcode's first part comes.
    for (let seq = 0; seq < 3; seq++) {
      const p = part('source');
      if (p.event === 'part') Object.assign(p.part, { segmentSequence: seq, partSequence: seq });
      writer.events('source', [
        p,
        { event: 'segmentEnd', segmentEnd: { rendition: 'source', segmentSequence: seq, durationMs: 2000 } },
      ]);
    }
    writer.init('480p', Buffer.from('i2'), info);
    writer.partSeen('480p', { bytes: 1000, durationMs: 500, videoFrames: 12 });
    const window = hub.get('demo')?.window('source');
    expect([0, 1, 2].map((seq) => window?.segment(seq)?.durationMs)).toEqual([2000, 2000, 2000]);
  });
});
