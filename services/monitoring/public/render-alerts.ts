// The alerts panel, from `GET /api/alerts` when monitoring serves it; hidden when the route answers 404.
import { byId, el, row } from './dom.js';
import type { Alert, Alerts } from './alert-types.js';

const labelsText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

const time = (ms: number): string => new Date(ms).toLocaleTimeString();

function historyItem(alert: Alert): HTMLLIElement {
  const ended = alert.endsAtMs === null ? 'still firing' : `until ${time(alert.endsAtMs)}`;
  const item = el('li');
  item.append(
    el('span', `badge ${alert.severity.toLowerCase()}`, alert.severity),
    ` ${alert.rule} ${labelsText(alert.labels)}: ${alert.summary} (from ${time(alert.startsAtMs)}, ${ended})`,
  );
  return item;
}

/** Shows `alerts` (active ones in the table, ended ones in the history), or hides the panel when null. */
export function renderAlerts(alerts: Alerts | null): void {
  const panel = byId('alerts-panel');
  panel.hidden = alerts === null;
  if (alerts === null) return;
  byId('alerts').replaceChildren(
    ...alerts.active.map((a) =>
      row([
        el('span', 'name', a.rule),
        el('span', `badge ${a.severity.toLowerCase()}`, a.severity),
        el('span', 'mono', labelsText(a.labels)),
        time(a.startsAtMs),
        a.summary,
      ]),
    ),
  );
  byId('alerts-history').replaceChildren(...alerts.history.map(historyItem));
  byId('alerts-summary').textContent = `${alerts.active.length} firing`;
}

/**
 * Reads `GET /api/alerts`: the alerts, null when the route is absent (404), or an error for anything else.
 * @throws Error on a network failure or another status.
 */
export async function fetchAlerts(signal: AbortSignal): Promise<Alerts | null> {
  const res = await fetch('/api/alerts', { cache: 'no-store', signal });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET /api/alerts: HTTP ${res.status}`);
  return (await res.json()) as Alerts;
}
