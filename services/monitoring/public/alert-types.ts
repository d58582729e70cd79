// The JSON of `GET /api/alerts` and the SSE `alerts` event, as the page reads it (src/alerts/alert-tracker.ts Alert and
// AlertsSnapshot). Declared here because the server's types hang on its rule schema; the status and moderation types
// the page reads are the server's own (src/status/status-types.ts).

/** One alert of `GET /api/alerts`. */
export interface Alert {
  rule: string;
  severity: string;
  labels: Record<string, string>;
  startsAtMs: number;
  /** When it resolved, unix epoch ms; null while firing. */
  endsAtMs: number | null;
  summary: string;
}

/** The body of `GET /api/alerts`. */
export interface Alerts {
  active: Alert[];
  history: Alert[];
}
