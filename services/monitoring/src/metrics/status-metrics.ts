import { Gauge, type Registry } from 'prom-client';
import type { StatusReport } from '../status/status-types.js';

type Labels = Record<string, string>;

/** A gauge whose series are computed from the status report at scrape time. */
interface StatusGauge {
  name: string;
  help: string;
  labelNames: readonly string[];
  series(report: StatusReport): Array<[Labels, number]>;
}

const target = (s: { name: string; address: string }): Labels => ({ service: s.name, address: s.address });

/**
 * The gauges monitoring exports (Prometheus exposition format 0.0.4; names carry their unit, per the
 * Prometheus naming conventions). Series of targets and rooms that are gone disappear on the next scrape.
 */
export const STATUS_GAUGES: readonly StatusGauge[] = [
  {
    name: 'onair_service_up',
    help: 'Whether the polled service answered its last health check SERVING (1) or not (0).',
    labelNames: ['service', 'address'],
    series: (r) => r.services.map((s) => [target(s), s.health === 'SERVING' ? 1 : 0]),
  },
  {
    name: 'onair_service_last_seen_timestamp_seconds',
    help: 'When the polled service last answered a poll, unix epoch seconds.',
    labelNames: ['service', 'address'],
    series: (r) => r.services.flatMap((s) => (s.lastSeenMs === null ? [] : [[target(s), s.lastSeenMs / 1000]])),
  },
  {
    name: 'onair_service_uptime_seconds',
    help: 'How long the polled service instance has been running, seconds.',
    labelNames: ['service', 'address'],
    series: (r) => r.services.flatMap((s) => (s.uptimeMs === null ? [] : [[target(s), s.uptimeMs / 1000]])),
  },
  {
    name: 'onair_stream_live',
    help: 'Whether the room is live (1): an ingest reports a publisher.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.live ? 1 : 0]),
  },
  {
    name: 'onair_stream_publish_start_timestamp_seconds',
    help: 'When the current publish of the room started, unix epoch seconds.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.publishStartedAtMs / 1000]),
  },
  {
    name: 'onair_stream_bitrate_kbps',
    help: 'Measured media bit rate of a rendition over the last 10 s, kbit/s.',
    labelNames: ['room', 'rendition'],
    series: (r) =>
      r.streams.flatMap((s) =>
        s.renditions.map((x): [Labels, number] => [{ room: s.room, rendition: x.name }, x.bitrateKbps]),
      ),
  },
  {
    name: 'onair_stream_fps',
    help: 'Measured frames per second of a rendition over the last 10 s.',
    labelNames: ['room', 'rendition'],
    series: (r) =>
      r.streams.flatMap((s) => s.renditions.map((x): [Labels, number] => [{ room: s.room, rendition: x.name }, x.fps])),
  },
  {
    name: 'onair_stream_viewers',
    help: 'HLS viewers of the room, summed over every relay instance.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.viewers]),
  },
  {
    name: 'onair_stream_rendition_viewers',
    help: 'HLS viewers whose latest request was of the rendition, summed over every relay instance.',
    labelNames: ['room', 'rendition'],
    series: (r) =>
      r.streams.flatMap((s) =>
        s.renditions.map((x): [Labels, number] => [{ room: s.room, rendition: x.name }, x.viewers]),
      ),
  },
  {
    name: 'onair_danmaku_messages_per_second',
    help: 'Accepted danmaku per second in the room, summed over danmaku instances.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.danmakuPerSecond]),
  },
  {
    name: 'onair_danmaku_sockets',
    help: 'Open danmaku WebSockets of the room, summed over danmaku instances.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.danmakuSockets]),
  },
  {
    name: 'onair_service_nats_connected',
    help: 'Whether the polled service reports its NATS connection up (1) or lost (0); absent for services without NATS.',
    labelNames: ['service', 'address'],
    series: (r) => r.services.flatMap((s) => (s.nats ? [[target(s), s.nats.connected ? 1 : 0]] : [])),
  },
  {
    name: 'onair_stream_last_media_timestamp_seconds',
    help: "When the room's ingest last received audio or video from the publisher, unix epoch seconds.",
    labelNames: ['room'],
    series: (r) =>
      r.streams.flatMap((s) => (s.ingest?.lastMediaAtMs ? [[{ room: s.room }, s.ingest.lastMediaAtMs / 1000]] : [])),
  },
  {
    name: 'onair_stream_keyframe_interval_seconds',
    help: 'Interval between the last two video keyframes of the publish, seconds; 0 before the second.',
    labelNames: ['room'],
    series: (r) => r.streams.flatMap((s) => (s.ingest ? [[{ room: s.room }, s.ingest.keyframeIntervalMs / 1000]] : [])),
  },
  {
    name: 'onair_stream_drift_seconds',
    help: "Publisher's media time minus wall-clock time since its first message, seconds (negative: behind).",
    labelNames: ['room'],
    series: (r) => r.streams.flatMap((s) => (s.ingest ? [[{ room: s.room }, s.ingest.driftMs / 1000]] : [])),
  },
  {
    name: 'onair_stream_late_parts',
    help: 'Source parts listed more than a second after their media time, since the publish started.',
    labelNames: ['room'],
    series: (r) => r.streams.flatMap((s) => (s.ingest ? [[{ room: s.room }, s.ingest.lateParts]] : [])),
  },
  {
    name: 'onair_danmaku_rate_limited_per_second',
    help: 'Danmaku refused with RATE_LIMITED per second in the room, summed over danmaku instances.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.danmakuRateLimitedPerSecond]),
  },
  {
    name: 'onair_chat_messages_per_second',
    help: 'Accepted chat messages per second in the room, summed over chat instances.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.chatPerSecond]),
  },
  {
    name: 'onair_chat_sockets',
    help: 'Open chat WebSockets of the room, summed over chat instances.',
    labelNames: ['room'],
    series: (r) => r.streams.map((s) => [{ room: s.room }, s.chatSockets]),
  },
];

/**
 * Registers {@link STATUS_GAUGES} on `registry`; each scrape rebuilds their series from `report()`
 * (the last poll of every target), so /metrics never shows a series that is no longer true.
 */
export function registerStatusMetrics(registry: Registry, report: () => StatusReport): void {
  for (const def of STATUS_GAUGES) {
    new Gauge({
      name: def.name,
      help: def.help,
      labelNames: def.labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of def.series(report())) this.set(labels, value);
      },
    });
  }
}
