import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { StatusReport } from '../status/status-types.js';
import { registerStatusMetrics, STATUS_GAUGES } from './status-metrics.js';

const live: StatusReport = {
  generatedAtMs: 10_000,
  services: [
    {
      name: 'ingest',
      address: 'i:1',
      instance: 'a',
      health: 'SERVING',
      lastSeenMs: 9_500,
      uptimeMs: 60_000,
      nats: { connected: true, sinceMs: 1 },
    },
    {
      name: 'chat',
      address: 'c:1',
      instance: 'b',
      health: 'NOT_SERVING',
      lastSeenMs: 9_000,
      uptimeMs: 1_000,
      nats: { connected: false, sinceMs: 8_000 },
    },
    {
      name: 'chat',
      address: 'c:2',
      instance: null,
      health: 'UNREACHABLE',
      lastSeenMs: null,
      uptimeMs: null,
      error: 'refused',
      nats: null,
    },
  ],
  streams: [
    {
      room: 'demo',
      live: true,
      publishStartedAtMs: 4_000,
      renditions: [
        {
          name: 'source',
          bitrateKbps: 2500,
          fps: 30,
          width: 1280,
          height: 720,
          codecs: 'avc1.64001f,mp4a.40.2',
          viewers: 5,
        },
        {
          name: '480p',
          bitrateKbps: 900,
          fps: 25,
          width: 854,
          height: 480,
          codecs: 'avc1.4d401e,mp4a.40.2',
          viewers: 2,
        },
      ],
      viewers: 7,
      danmakuPerSecond: 1.5,
      chatPerSecond: 0.5,
      danmakuSockets: 3,
      chatSockets: 2,
      danmakuRateLimitedPerSecond: 0.3,
      ingest: {
        keyframeIntervalMs: 2000,
        measuredFps: 25,
        declaredFps: 25,
        measuredBitrateKbps: 2600,
        declaredBitrateKbps: 2628,
        driftMs: -250,
        lateParts: 4,
        reconnects: 0,
        lastMediaAtMs: 9_960,
      },
      thumbnailAtMs: null,
      record: null,
    },
  ],
};

function series(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('registerStatusMetrics', () => {
  it('computes every series from the report at scrape time', async () => {
    const registry = new Registry();
    let report = live;
    registerStatusMetrics(registry, () => report);
    expect(series(await registry.metrics())).toEqual([
      'onair_service_up{service="ingest",address="i:1"} 1',
      'onair_service_up{service="chat",address="c:1"} 0',
      'onair_service_up{service="chat",address="c:2"} 0',
      'onair_service_last_seen_timestamp_seconds{service="ingest",address="i:1"} 9.5',
      'onair_service_last_seen_timestamp_seconds{service="chat",address="c:1"} 9',
      'onair_service_uptime_seconds{service="ingest",address="i:1"} 60',
      'onair_service_uptime_seconds{service="chat",address="c:1"} 1',
      'onair_stream_live{room="demo"} 1',
      'onair_stream_publish_start_timestamp_seconds{room="demo"} 4',
      'onair_stream_bitrate_kbps{room="demo",rendition="source"} 2500',
      'onair_stream_bitrate_kbps{room="demo",rendition="480p"} 900',
      'onair_stream_fps{room="demo",rendition="source"} 30',
      'onair_stream_fps{room="demo",rendition="480p"} 25',
      'onair_stream_viewers{room="demo"} 7',
      'onair_stream_rendition_viewers{room="demo",rendition="source"} 5',
      'onair_stream_rendition_viewers{room="demo",rendition="480p"} 2',
      'onair_danmaku_messages_per_second{room="demo"} 1.5',
      'onair_danmaku_sockets{room="demo"} 3',
      'onair_service_nats_connected{service="ingest",address="i:1"} 1',
      'onair_service_nats_connected{service="chat",address="c:1"} 0',
      'onair_stream_last_media_timestamp_seconds{room="demo"} 9.96',
      'onair_stream_keyframe_interval_seconds{room="demo"} 2',
      'onair_stream_drift_seconds{room="demo"} -0.25',
      'onair_stream_late_parts{room="demo"} 4',
      'onair_danmaku_rate_limited_per_second{room="demo"} 0.3',
      'onair_chat_messages_per_second{room="demo"} 0.5',
      'onair_chat_sockets{room="demo"} 2',
    ]);

    report = { ...live, services: live.services.slice(0, 1), streams: [] };
    expect(series(await registry.metrics())).toEqual([
      'onair_service_up{service="ingest",address="i:1"} 1',
      'onair_service_last_seen_timestamp_seconds{service="ingest",address="i:1"} 9.5',
      'onair_service_uptime_seconds{service="ingest",address="i:1"} 60',
      'onair_service_nats_connected{service="ingest",address="i:1"} 1',
    ]);
  });

  it('documents every gauge with HELP and TYPE, even without series', async () => {
    const registry = new Registry();
    registerStatusMetrics(registry, () => ({ generatedAtMs: 0, services: [], streams: [] }));
    const text = await registry.metrics();
    for (const { name } of STATUS_GAUGES) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S.+$`, 'm'));
      expect(text).toContain(`# TYPE ${name} gauge`);
    }
  });
});
