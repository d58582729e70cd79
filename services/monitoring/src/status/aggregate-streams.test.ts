import { describe, expect, it } from 'vitest';
import type { telemetry } from '@onair/proto';
import { aggregateStreams } from './aggregate-streams.js';

type Room = Partial<telemetry.RoomStats__Output> & { room: string };

function stats(service: string, instance: string, rooms: Room[]): telemetry.GetStatsResponse__Output {
  return {
    service,
    instance,
    version: '0.1.0',
    startedAtMs: 1_000,
    nats: null,
    rooms: rooms.map((r) => ({
      live: false,
      publishStartedAtMs: 0,
      renditions: [],
      viewers: 0,
      messagesPerSecond: 0,
      roomViewers: 0,
      rateLimitedPerSecond: 0,
      ingestHealth: null,
      ...r,
    })),
  };
}

const source = {
  name: 'source',
  bitrateKbps: 2500.4,
  fps: 30,
  width: 1280,
  height: 720,
  codecs: 'avc1.64001f,mp4a.40.2',
  viewers: 0,
};
const low = {
  name: '480p',
  bitrateKbps: 900,
  fps: 30,
  width: 854,
  height: 480,
  codecs: 'avc1.4d401e,mp4a.40.2',
  viewers: 0,
};

describe('aggregateStreams', () => {
  it('merges one live room from ingest, relays (origin + edge), danmaku and chat instances', () => {
    const streams = aggregateStreams([
      stats('ingest', 'i1', [{ room: 'demo', live: true, publishStartedAtMs: 5_000, renditions: [source, low] }]),
      stats('relay', 'origin', [
        {
          room: 'demo',
          live: true,
          viewers: 3,
          renditions: [
            { ...source, viewers: 2 },
            { ...low, viewers: 1 },
          ],
        },
      ]),
      stats('relay', 'edge-1', [{ room: 'demo', live: true, viewers: 4, renditions: [{ ...source, viewers: 4 }] }]),
      stats('relay', 'edge-2', [{ room: 'demo', live: true, viewers: 1, renditions: [{ ...low, viewers: 1 }] }]),
      stats('danmaku', 'd1', [{ room: 'demo', viewers: 10, messagesPerSecond: 2.5 }]),
      stats('danmaku', 'd2', [{ room: 'demo', viewers: 5, messagesPerSecond: 0.5 }]),
      stats('chat', 'c1', [{ room: 'demo', viewers: 2, messagesPerSecond: 0.25 }]),
      stats('chat', 'c2', [{ room: 'demo', viewers: 1, messagesPerSecond: 0.5 }]),
    ]);
    expect(streams).toEqual([
      {
        room: 'demo',
        live: true,
        publishStartedAtMs: 5_000,
        renditions: [
          { ...source, viewers: 6 },
          { ...low, viewers: 2 },
        ],
        viewers: 8,
        danmakuPerSecond: 3,
        chatPerSecond: 0.75,
        danmakuSockets: 15,
        chatSockets: 3,
        danmakuRateLimitedPerSecond: 0,
        ingest: null,
      },
    ]);
  });

  it("passes on the ingest's IngestHealth of the publish", () => {
    const health = {
      keyframeIntervalMs: 2000,
      measuredFps: 24.9,
      declaredFps: 25,
      measuredBitrateKbps: 1180,
      declaredBitrateKbps: 1128,
      bFrames: true,
      driftMs: -40,
      lateParts: 2,
      reconnects: 1,
      lastMediaAtMs: 9_000,
    };
    const [stream] = aggregateStreams([
      stats('ingest', 'i1', [{ room: 'demo', live: true, publishStartedAtMs: 1, ingestHealth: health }]),
    ]);
    expect(stream?.ingest).toEqual({
      keyframeIntervalMs: 2000,
      measuredFps: 24.9,
      declaredFps: 25,
      measuredBitrateKbps: 1180,
      declaredBitrateKbps: 1128,
      driftMs: -40,
      lateParts: 2,
      reconnects: 1,
      lastMediaAtMs: 9_000,
    });
  });

  it('lists only rooms an ingest reports live, sorted by room', () => {
    const streams = aggregateStreams([
      stats('ingest', 'i1', [
        { room: 'zeta', live: true, publishStartedAtMs: 1 },
        { room: 'idle', live: false },
      ]),
      stats('ingest', 'i2', [{ room: 'alpha', live: true, publishStartedAtMs: 2 }]),
      stats('relay', 'r1', [{ room: 'ghost', live: true, viewers: 9 }]),
      stats('chat', 'c1', [
        { room: 'idle', viewers: 3, messagesPerSecond: 1 },
        { room: 'zeta', viewers: 1, messagesPerSecond: 2 },
      ]),
    ]);
    expect(streams.map((s) => [s.room, s.chatSockets, s.chatPerSecond])).toEqual([
      ['alpha', 0, 0],
      ['zeta', 1, 2],
    ]);
  });

  it('takes the most recent publish when two ingests report the same room live', () => {
    const streams = aggregateStreams([
      stats('ingest', 'new', [{ room: 'demo', live: true, publishStartedAtMs: 9_000, renditions: [low] }]),
      stats('ingest', 'old', [{ room: 'demo', live: true, publishStartedAtMs: 3_000, renditions: [source] }]),
    ]);
    expect(streams.map((s) => [s.publishStartedAtMs, s.renditions.map((r) => r.name)])).toEqual([[9_000, ['480p']]]);
  });

  it('ignores what monitoring and unknown services report', () => {
    const streams = aggregateStreams([
      stats('ingest', 'i1', [{ room: 'demo', live: true, publishStartedAtMs: 1 }]),
      stats('monitoring', 'm1', [{ room: 'demo', viewers: 7, messagesPerSecond: 7 }]),
      stats('recorder', 'x1', [{ room: 'demo', viewers: 7, messagesPerSecond: 7 }]),
    ]);
    expect(streams[0]).toMatchObject({
      viewers: 0,
      danmakuPerSecond: 0,
      chatPerSecond: 0,
      danmakuSockets: 0,
      chatSockets: 0,
    });
  });

  it("carries the ingest's health and sums danmaku refused as rate-limited", () => {
    const ingestHealth = {
      keyframeIntervalMs: 2000,
      measuredFps: 25,
      declaredFps: 25,
      measuredBitrateKbps: 1000,
      declaredBitrateKbps: 1000,
      bFrames: false,
      driftMs: -40,
      lateParts: 2,
      reconnects: 0,
      lastMediaAtMs: 9_960,
    };
    const [stream] = aggregateStreams([
      stats('ingest', 'i1', [{ room: 'demo', live: true, publishStartedAtMs: 1, ingestHealth }]),
      stats('danmaku', 'd1', [{ room: 'demo', rateLimitedPerSecond: 1.5 }]),
      stats('danmaku', 'd2', [{ room: 'demo', rateLimitedPerSecond: 0.5 }]),
      stats('chat', 'c1', [{ room: 'demo', rateLimitedPerSecond: 9 }]),
    ]);
    expect(stream).toMatchObject({
      danmakuRateLimitedPerSecond: 2,
      ingest: { keyframeIntervalMs: 2000, driftMs: -40, lateParts: 2, lastMediaAtMs: 9_960 },
    });
  });

  it('returns no streams when nothing is live', () => {
    expect(aggregateStreams([])).toEqual([]);
    expect(aggregateStreams([stats('relay', 'r1', [{ room: 'demo', viewers: 2 }])])).toEqual([]);
  });
});
