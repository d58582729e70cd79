import { describe, expect, it } from 'vitest';
import type { StatusReport, ServiceStatus } from '../status/status-types.js';
import type { StreamStatus } from '../status/status-types.js';
import { alertConditions } from './alert-conditions.js';
import { DEFAULT_ALERT_RULES, type AlertRuleName, type AlertRules } from './alert-rules.js';
import { AlertTracker, type Alert } from './alert-tracker.js';

const T0 = 1_767_225_600_000;

const service = (o: Partial<ServiceStatus> = {}): ServiceStatus => ({
  name: 'relay',
  address: '127.0.0.1:50052',
  instance: 'r1',
  health: 'SERVING',
  lastSeenMs: T0,
  uptimeMs: 1000,
  nats: { connected: true, sinceMs: T0 - 60_000 },
  ...o,
});

/** What ingest measures of the media besides what the rules read. */
const MEDIA = { measuredFps: 25, declaredFps: 25, measuredBitrateKbps: 1000, declaredBitrateKbps: 1000, reconnects: 0 };

const stream = (o: Partial<StreamStatus> = {}): StreamStatus => ({
  room: 'demo',
  live: true,
  publishStartedAtMs: T0 - 60_000,
  renditions: [
    { name: 'source', bitrateKbps: 2500, fps: 30, width: 1280, height: 720, codecs: 'avc1.64001f', viewers: 0 },
    { name: '480p', bitrateKbps: 900, fps: 30, width: 854, height: 480, codecs: 'avc1.4d401e', viewers: 0 },
  ],
  viewers: 1,
  danmakuPerSecond: 2,
  chatPerSecond: 0,
  danmakuSockets: 1,
  chatSockets: 0,
  danmakuRateLimitedPerSecond: 0,
  ingest: { ...MEDIA, keyframeIntervalMs: 2000, driftMs: 0, lateParts: 0, lastMediaAtMs: 0 },
  ...o,
});

/** A report at `nowMs` where everything is healthy, changed by `bad` when given. */
type Bad = (nowMs: number) => { services?: ServiceStatus[]; streams?: StreamStatus[] };
function report(nowMs: number, bad?: Bad): StatusReport {
  const healthy = {
    services: [service()],
    streams: [
      stream({ ingest: { ...MEDIA, keyframeIntervalMs: 2000, driftMs: 0, lateParts: 0, lastMediaAtMs: nowMs - 40 } }),
    ],
  };
  const { services, streams } = { ...healthy, ...bad?.(nowMs) };
  return { generatedAtMs: nowMs, services, streams: streams.map((s) => ({ ...s, thumbnailAtMs: null, record: null })) };
}

const CASES: Array<{ rule: AlertRuleName; labels: Alert['labels']; bad: Bad }> = [
  {
    rule: 'stream_stalled',
    labels: { room: 'demo' },
    bad: () => ({
      streams: [
        stream({ ingest: { ...MEDIA, keyframeIntervalMs: 2000, driftMs: 0, lateParts: 0, lastMediaAtMs: T0 - 6000 } }),
      ],
    }),
  },
  {
    rule: 'keyframe_interval',
    labels: { room: 'demo' },
    bad: (now) => ({
      streams: [
        stream({ ingest: { ...MEDIA, keyframeIntervalMs: 4500, driftMs: 0, lateParts: 0, lastMediaAtMs: now } }),
      ],
    }),
  },
  {
    rule: 'transcode_slow',
    labels: { room: 'demo', rendition: '480p' },
    bad: (now) => ({
      streams: [
        stream({
          ingest: { ...MEDIA, keyframeIntervalMs: 2000, driftMs: 0, lateParts: 0, lastMediaAtMs: now },
          renditions: [
            { name: 'source', bitrateKbps: 2500, fps: 30, width: 1280, height: 720, codecs: 'avc1.64001f', viewers: 0 },
            { name: '480p', bitrateKbps: 600, fps: 20, width: 854, height: 480, codecs: 'avc1.4d401e', viewers: 0 },
          ],
        }),
      ],
    }),
  },
  {
    rule: 'service_down',
    labels: { service: 'relay', address: '127.0.0.1:50052' },
    bad: () => ({ services: [service({ health: 'UNREACHABLE', nats: null })] }),
  },
  {
    rule: 'nats_disconnected',
    labels: { service: 'relay', address: '127.0.0.1:50052' },
    bad: () => ({ services: [service({ nats: { connected: false, sinceMs: T0 } })] }),
  },
  {
    rule: 'danmaku_rate_limited',
    labels: { room: 'demo' },
    bad: (now) => ({
      streams: [
        stream({
          ingest: { ...MEDIA, keyframeIntervalMs: 2000, driftMs: 0, lateParts: 0, lastMediaAtMs: now },
          danmakuPerSecond: 2,
          danmakuRateLimitedPerSecond: 3,
        }),
      ],
    }),
  },
];

describe('AlertTracker over alertConditions', () => {
  it.each(CASES)('$rule fires once it held for its `for`, then resolves into the history', ({ rule, labels, bad }) => {
    const rules = DEFAULT_ALERT_RULES;
    const forMs = rules[rule].forMs;
    const tracker = new AlertTracker(rules);
    const heard: Alert[] = [];
    tracker.onChange((a) => heard.push(a));
    const at = (ms: number, isBad: boolean): void => {
      const r = report(T0 + ms, isBad ? bad : undefined);
      tracker.evaluate(alertConditions(r, rules), r.generatedAtMs);
    };
    at(0, false);
    at(1000, true);
    at(forMs, true);
    expect(tracker.snapshot().active).toEqual([]);
    at(1000 + forMs, true);
    const firing = tracker.snapshot().active;
    expect(firing).toEqual([
      expect.objectContaining({
        rule,
        labels,
        status: 'firing',
        severity: rules[rule].severity,
        startsAtMs: T0 + 1000 + forMs,
        endsAtMs: null,
      }),
    ]);
    expect(firing[0]?.summary).toMatch(/\S/);
    at(2000 + forMs, false);
    expect(tracker.snapshot()).toEqual({
      active: [],
      history: [expect.objectContaining({ rule, labels, status: 'resolved', endsAtMs: T0 + 2000 + forMs })],
    });
    expect(heard.map((a) => [a.rule, a.status])).toEqual([
      [rule, 'firing'],
      [rule, 'resolved'],
    ]);
  });

  it('raises nothing for a healthy system, a disabled rule, or a condition that ends before its `for`', () => {
    const rules: AlertRules = {
      ...DEFAULT_ALERT_RULES,
      service_down: { ...DEFAULT_ALERT_RULES.service_down, enabled: false },
    };
    const tracker = new AlertTracker(rules);
    const down: Bad = () => ({ services: [service({ health: 'NOT_SERVING' })] });
    const stalled = CASES[0]!.bad;
    for (let ms = 0; ms < 60_000; ms += 2000) {
      const r = report(T0 + ms, ms < 2000 ? stalled : ms < 30_000 ? down : undefined);
      tracker.evaluate(alertConditions(r, rules), r.generatedAtMs);
    }
    expect(tracker.snapshot()).toEqual({ active: [], history: [] });
  });

  it('keeps a bounded history, newest first', () => {
    const rules = { ...DEFAULT_ALERT_RULES, service_down: { ...DEFAULT_ALERT_RULES.service_down, forMs: 0 } };
    const tracker = new AlertTracker(rules, 3);
    const down: Bad = () => ({ services: [service({ health: 'UNREACHABLE' })] });
    for (let i = 0; i < 10; i++) {
      for (const [ms, bad] of [
        [i * 10, down],
        [i * 10 + 5, undefined],
      ] as const) {
        const r = report(T0 + ms, bad);
        tracker.evaluate(alertConditions(r, rules), r.generatedAtMs);
      }
    }
    expect(tracker.snapshot().history.map((a) => a.endsAtMs)).toEqual([T0 + 95, T0 + 85, T0 + 75]);
  });
});
