import type { StatusReport } from '../status/status-types.js';
import { TARGET_HEALTH } from '../poller/target-state.js';
import { ALERT_RULES, type AlertRuleName, type AlertRules } from './alert-rules.js';

/** What an alert is about: `room` (and `rendition`) for a stream, `service` and `address` for a target. */
export interface AlertLabels {
  room?: string;
  rendition?: string;
  service?: string;
  address?: string;
}

/** One rule's condition holding for one subject in one report. */
export interface AlertCondition {
  readonly rule: AlertRuleName;
  readonly labels: AlertLabels;
  /** One line for people, e.g. "room demo: no media for 7.2 s". */
  readonly summary: string;
}

/** The name of the source rendition, whose frame rate the transcoded ones are compared with. */
const SOURCE_RENDITION = 'source';
/** Danmaku refusals per second under which the rate-limited share does not count (a handful of posts). */
const RATE_LIMITED_FLOOR_PER_S = 1;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Every enabled rule's condition that holds in `report` (built at `report.generatedAtMs`), per subject. Whether
 * it held long enough to fire (`forMs`) is the tracker's business.
 */
export function alertConditions(report: StatusReport, rules: AlertRules): AlertCondition[] {
  const out: AlertCondition[] = [];
  const add = (rule: AlertRuleName, labels: AlertLabels, summary: string): void => {
    if (rules[rule].enabled) out.push({ rule, labels, summary });
  };
  const now = report.generatedAtMs;
  for (const s of report.services) {
    const labels = { service: s.name, address: s.address };
    if (s.health !== TARGET_HEALTH.SERVING)
      add(ALERT_RULES.SERVICE_DOWN, labels, `${s.name} at ${s.address} is ${s.health}`);
    if (s.nats && !s.nats.connected)
      add(
        ALERT_RULES.NATS_DISCONNECTED,
        labels,
        `${s.name} at ${s.address} lost NATS ${seconds(Math.max(0, now - s.nats.sinceMs))} ago`,
      );
  }
  for (const stream of report.streams) {
    const room = { room: stream.room };
    const ingest = stream.ingest;
    const silentMs = ingest && ingest.lastMediaAtMs > 0 ? now - ingest.lastMediaAtMs : 0;
    if (silentMs > rules.stream_stalled.threshold)
      add(ALERT_RULES.STREAM_STALLED, room, `room ${stream.room}: no media for ${seconds(silentMs)}`);
    if (ingest && ingest.keyframeIntervalMs > rules.keyframe_interval.threshold)
      add(
        ALERT_RULES.KEYFRAME_INTERVAL,
        room,
        `room ${stream.room}: keyframe interval ${seconds(ingest.keyframeIntervalMs)}`,
      );
    const sourceFps = stream.renditions.find((r) => r.name === SOURCE_RENDITION)?.fps ?? 0;
    for (const r of stream.renditions) {
      if (r.name === SOURCE_RENDITION || sourceFps <= 0 || r.fps >= sourceFps * rules.transcode_slow.threshold)
        continue;
      add(
        ALERT_RULES.TRANSCODE_SLOW,
        { ...room, rendition: r.name },
        `room ${stream.room}: rendition ${r.name} at ${r.fps} fps for a ${sourceFps} fps source`,
      );
    }
    const limited = stream.danmakuRateLimitedPerSecond;
    const share = limited / (limited + stream.danmakuPerSecond || 1);
    if (limited >= RATE_LIMITED_FLOOR_PER_S && share > rules.danmaku_rate_limited.threshold)
      add(
        ALERT_RULES.DANMAKU_RATE_LIMITED,
        room,
        `room ${stream.room}: ${Math.round(share * 100)}% of danmaku rate-limited (${limited}/s)`,
      );
  }
  return out;
}
