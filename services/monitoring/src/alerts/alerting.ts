import type { Logger } from '@onair/runtime';
import type { StatusReport } from '../status/status-types.js';
import { alertConditions } from './alert-conditions.js';
import type { AlertRules } from './alert-rules.js';
import { AlertTracker, type AlertListener, type AlertsSnapshot } from './alert-tracker.js';

/** Options of {@link createAlerting}. */
export interface AlertingOptions {
  rules: AlertRules;
  /** Builds the current status report (from the targets' latest polls). */
  report: () => StatusReport;
  /** Interval between two evaluations, ms (the poll interval). */
  intervalMs: number;
  log: Logger;
}

/** The alert rules evaluated over the status report on a timer. */
export interface Alerting {
  /** Evaluates once at once, then every `intervalMs`. */
  start(): void;
  stop(): void;
  /** Firing alerts and the resolved history (`GET /api/alerts`). */
  snapshot(): AlertsSnapshot;
  /** Calls `listener` with every alert that fires or resolves; returns the unsubscribe function. */
  onChange(listener: AlertListener): () => void;
}

/** Evaluates the rules on every poll interval and logs each alert that fires (warn) or resolves (info). */
export function createAlerting({ rules, report, intervalMs, log }: AlertingOptions): Alerting {
  const alertLog = log.child({ component: 'alerts' });
  const tracker = new AlertTracker(rules);
  tracker.onChange((alert) => {
    const fields = { alert: alert.id, rule: alert.rule, severity: alert.severity, summary: alert.summary };
    if (alert.status === 'firing') alertLog.warn(fields, 'alert firing');
    else alertLog.info(fields, 'alert resolved');
  });
  let timer: NodeJS.Timeout | undefined;
  const evaluate = (): void => {
    const current = report();
    tracker.evaluate(alertConditions(current, rules), current.generatedAtMs);
  };
  return {
    start() {
      evaluate();
      timer = setInterval(evaluate, intervalMs);
    },
    stop() {
      clearInterval(timer);
    },
    snapshot: () => tracker.snapshot(),
    onChange: (listener) => tracker.onChange(listener),
  };
}
