// The ops dashboard's script: follows `GET /api/events` (Server-Sent Events: a `snapshot`, then a `status` event per
// changed poll round, an `alerts` event per alert that fires or resolves and a `moderation` event per batch of new
// moderation actions) with an EventSource, reconnecting when the stream fails, and renders services, live streams with
// sparklines, record state, ingest health, thumbnails, alerts and moderation actions with DOM calls only, and the admin
// actions (admin.ts). Bundled by esbuild into dist/public/.
import { setUpAdminToken } from './admin.js';
import { fetchAlerts, renderAlerts } from './render-alerts.js';
import { addModeration, resetModeration } from './render-moderation.js';
import { renderServices } from './render-services.js';
import { renderStreams } from './render-streams.js';
import { SeriesStore } from './series-store.js';
import type { Alerts } from './alert-types.js';
import type { DashboardSnapshot, ModerationActions, StatusReport, StatusUpdate } from '../src/status/status-types.js';
import { Thumbnails } from './thumbnails.js';
import { byId } from './dom.js';

/** First wait before opening a new EventSource after the browser gave up on one, ms; doubled up to the maximum. */
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;
/** Deadline of `GET /api/alerts`, ms. */
const ALERTS_TIMEOUT_MS = 5000;

const series = new SeriesStore();
const thumbnails = new Thumbnails();
let reconnectMs = RECONNECT_MIN_MS;

function setConnected(connected: boolean, why = ''): void {
  const badge = byId('connection');
  badge.textContent = connected ? 'live' : 'reconnecting…';
  badge.className = `badge ${connected ? 'serving' : 'unreachable'}`;
  document.body.dataset.connected = String(connected);
  const banner = byId('banner');
  banner.hidden = connected;
  banner.textContent = connected ? '' : `Lost /api/events${why}; reconnecting.`;
}

function render(report: StatusReport): void {
  renderServices(report.services, report.generatedAtMs);
  renderStreams(report.streams, report.generatedAtMs, series, thumbnails);
  byId('updated').textContent = `updated ${new Date(report.generatedAtMs).toLocaleTimeString()}`;
}

/** Reads `GET /api/alerts` once (on each snapshot); later changes come as `alerts` events. */
function readAlerts(): void {
  fetchAlerts(AbortSignal.timeout(ALERTS_TIMEOUT_MS))
    .then(renderAlerts)
    .catch((err: unknown) => {
      byId('alerts-summary').textContent = `unavailable (${err instanceof Error ? err.message : String(err)})`;
    });
}

function connect(): void {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    reconnectMs = RECONNECT_MIN_MS;
    setConnected(true);
  });
  source.addEventListener('snapshot', (event: MessageEvent<string>) => {
    const snapshot = JSON.parse(event.data) as DashboardSnapshot;
    series.reset(snapshot.history);
    series.follow(snapshot.report, false);
    render(snapshot.report);
    resetModeration(snapshot.moderation);
    readAlerts();
  });
  source.addEventListener('status', (event: MessageEvent<string>) => {
    const update = JSON.parse(event.data) as StatusUpdate;
    series.follow(update.report, update.sampled);
    render(update.report);
  });
  source.addEventListener('alerts', (event: MessageEvent<string>) => {
    renderAlerts(JSON.parse(event.data) as Alerts);
  });
  source.addEventListener('moderation', (event: MessageEvent<string>) => {
    addModeration((JSON.parse(event.data) as ModerationActions).actions);
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) {
      setConnected(false);
      return;
    }
    // The browser gave up (an answer other than 200 text/event-stream, e.g. 503 when too many dashboards are open).
    setConnected(false, ` (retrying in ${reconnectMs / 1000} s)`);
    setTimeout(connect, reconnectMs);
    reconnectMs = Math.min(RECONNECT_MAX_MS, reconnectMs * 2);
  });
}

setUpAdminToken();
connect();
