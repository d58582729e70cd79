import { z } from 'zod';

/** The alert rules monitoring evaluates on every poll, by name. */
export const ALERT_RULES = {
  /** A live room's publisher sent no media for `threshold` ms (stalled, or gone and in its reconnect grace). */
  STREAM_STALLED: 'stream_stalled',
  /** A live room's keyframe interval is over `threshold` ms. */
  KEYFRAME_INTERVAL: 'keyframe_interval',
  /** A transcoded rendition's frame rate is under `threshold` × the source's: the transcode is slower than real time. */
  TRANSCODE_SLOW: 'transcode_slow',
  /** A polled service is not SERVING (unhealthy or unreachable); no threshold. */
  SERVICE_DOWN: 'service_down',
  /** A service reports its NATS connection lost; no threshold. */
  NATS_DISCONNECTED: 'nats_disconnected',
  /** Over `threshold` (a share, 0 to 1) of a room's danmaku are refused with RATE_LIMITED, at 1 refusal/s or more. */
  DANMAKU_RATE_LIMITED: 'danmaku_rate_limited',
} as const;

/** One of {@link ALERT_RULES}' values. */
export type AlertRuleName = (typeof ALERT_RULES)[keyof typeof ALERT_RULES];

/** How bad an alert is. */
export type AlertSeverity = 'warning' | 'critical';

/** One rule's settings. */
export interface AlertRule {
  readonly enabled: boolean;
  /** The rule's limit, in the unit its description names (ms, or a ratio); unused by rules without one. */
  readonly threshold: number;
  /** How long the condition must hold, poll after poll, before the alert fires, ms (Prometheus' `for`). */
  readonly forMs: number;
  readonly severity: AlertSeverity;
}

/** Every rule's settings. */
export type AlertRules = Readonly<Record<AlertRuleName, AlertRule>>;

/** The rules' defaults; `MONITORING_ALERT_RULES` overrides any field of any rule. */
export const DEFAULT_ALERT_RULES: AlertRules = {
  stream_stalled: { enabled: true, threshold: 5_000, forMs: 5_000, severity: 'critical' },
  keyframe_interval: { enabled: true, threshold: 4_000, forMs: 10_000, severity: 'warning' },
  transcode_slow: { enabled: true, threshold: 0.9, forMs: 15_000, severity: 'warning' },
  service_down: { enabled: true, threshold: 0, forMs: 10_000, severity: 'critical' },
  nats_disconnected: { enabled: true, threshold: 0, forMs: 5_000, severity: 'critical' },
  danmaku_rate_limited: { enabled: true, threshold: 0.5, forMs: 30_000, severity: 'warning' },
};

const ruleOverride = z
  .object({
    enabled: z.boolean(),
    threshold: z.number().min(0),
    forMs: z.number().int().min(0).max(86_400_000),
    severity: z.enum(['warning', 'critical']),
  })
  .partial()
  .strict();

const ruleNames = Object.values(ALERT_RULES) as [AlertRuleName, ...AlertRuleName[]];

/**
 * `MONITORING_ALERT_RULES`: a JSON object of rule name → fields to change, e.g.
 * `{"stream_stalled":{"threshold":3000,"forMs":2000},"danmaku_rate_limited":{"enabled":false}}`, merged over
 * {@link DEFAULT_ALERT_RULES}. Unknown rules or fields, and text that is not JSON, fail validation.
 */
export const alertRulesSchema: z.ZodType<AlertRules> = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.partialRecord(z.enum(ruleNames), ruleOverride).transform((o) => mergeRules(o)));

function mergeRules(overrides: Partial<Record<AlertRuleName, Partial<AlertRule>>>): AlertRules {
  const merged = { ...DEFAULT_ALERT_RULES };
  for (const name of ruleNames) merged[name] = { ...DEFAULT_ALERT_RULES[name], ...overrides[name] };
  return merged;
}
