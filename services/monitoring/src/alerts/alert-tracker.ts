import type { AlertRuleName, AlertRules, AlertSeverity } from './alert-rules.js';
import type { AlertCondition, AlertLabels } from './alert-conditions.js';

/** An alert as `GET /api/alerts`, the webhook and the subscribers see it. */
export interface Alert {
  /** Stable while the alert lasts: the rule and its labels, e.g. "stream_stalled{room=demo}". */
  readonly id: string;
  readonly rule: AlertRuleName;
  readonly severity: AlertSeverity;
  readonly labels: AlertLabels;
  /** "firing" while the condition holds, "resolved" once it stopped. */
  readonly status: 'firing' | 'resolved';
  /** When it fired (its condition had held for the rule's `forMs`), unix epoch ms. */
  readonly startsAtMs: number;
  /** When it resolved, unix epoch ms; null while firing. */
  readonly endsAtMs: number | null;
  /** The condition's summary from the latest poll where it held. */
  readonly summary: string;
}

/** The body of `GET /api/alerts`. */
export interface AlertsSnapshot {
  /** Firing alerts, oldest first. */
  active: Alert[];
  /** Resolved alerts, newest first, at most `historySize`. */
  history: Alert[];
}

/** A listener of alerts that fire or resolve. */
export type AlertListener = (alert: Alert) => void;

interface Pending {
  readonly sinceMs: number;
  alert: Alert | undefined;
}

function alertId(rule: AlertRuleName, labels: AlertLabels): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`);
  return `${rule}{${parts.join(',')}}`;
}

/**
 * The lifecycle of alerts (like Prometheus' pending → firing → resolved): a condition seen for the first time is
 * pending; once it has held for its rule's `forMs` (checked at each evaluation) the alert fires; the first
 * evaluation without it resolves the alert into the history (bounded, oldest dropped), or forgets it if it was
 * still pending. Listeners hear every firing and every resolved alert, in order.
 */
export class AlertTracker {
  private readonly tracked = new Map<string, Pending>();
  private readonly history: Alert[] = [];
  private readonly listeners = new Set<AlertListener>();

  /** @param historySize resolved alerts kept. @default 200 */
  constructor(
    private readonly rules: AlertRules,
    private readonly historySize = 200,
  ) {}

  /** Folds in the conditions that hold at `nowMs` (unix epoch ms), firing and resolving alerts. */
  evaluate(conditions: readonly AlertCondition[], nowMs: number): void {
    const seen = new Set<string>();
    for (const c of conditions) {
      const id = alertId(c.rule, c.labels);
      seen.add(id);
      const entry = this.tracked.get(id) ?? { sinceMs: nowMs, alert: undefined };
      this.tracked.set(id, entry);
      const rule = this.rules[c.rule];
      if (entry.alert) entry.alert = { ...entry.alert, summary: c.summary };
      else if (nowMs - entry.sinceMs >= rule.forMs) {
        entry.alert = {
          id,
          rule: c.rule,
          severity: rule.severity,
          labels: c.labels,
          status: 'firing',
          startsAtMs: nowMs,
          endsAtMs: null,
          summary: c.summary,
        };
        this.emit(entry.alert);
      }
    }
    for (const [id, entry] of this.tracked) {
      if (seen.has(id)) continue;
      this.tracked.delete(id);
      if (!entry.alert) continue;
      const resolved: Alert = { ...entry.alert, status: 'resolved', endsAtMs: nowMs };
      this.history.unshift(resolved);
      if (this.history.length > this.historySize) this.history.pop();
      this.emit(resolved);
    }
  }

  /** Firing alerts and the resolved history. */
  snapshot(): AlertsSnapshot {
    const active = [...this.tracked.values()].flatMap((e) => (e.alert ? [e.alert] : []));
    return { active: active.sort((a, b) => a.startsAtMs - b.startsAtMs), history: [...this.history] };
  }

  /** Calls `listener` with every alert that fires or resolves from now on; returns the unsubscribe function. */
  onChange(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(alert: Alert): void {
    for (const listener of this.listeners) listener(alert);
  }
}
