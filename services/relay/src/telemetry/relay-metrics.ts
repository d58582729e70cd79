import { Counter, Gauge, type Registry } from 'prom-client';
import type { ViewerTracker } from '../viewers/viewer-tracker.js';

/** The relay's own Prometheus series, registered on the service registry. */
export interface RelayMetrics {
  /** Counts one HTTP response: its route pattern (e.g. "/hls/:room/:file"), status code and body bytes. */
  responded(route: string, status: number, bytes: number): void;
}

/**
 * Registers the relay's series: `onair_relay_http_requests_total{route,status}`,
 * `onair_relay_http_response_bytes_total{route}` and `onair_relay_viewers{room}` (read from `viewers` at
 * every scrape, so rooms without viewers drop out).
 */
export function createRelayMetrics(registry: Registry, viewers: ViewerTracker): RelayMetrics {
  // Counted in plain numbers per response (a label lookup in prom-client costs more than the rest of an answer
  // to a playlist request) and handed to the counters when Prometheus scrapes.
  const tallies = new Map<string, Map<number, { route: string; status: number; responses: number; bytes: number }>>();
  const reported = new WeakMap<object, { responses: number; bytes: number }>();
  const flush = (): void => {
    for (const byStatus of tallies.values()) {
      for (const tally of byStatus.values()) {
        const last = reported.get(tally) ?? { responses: 0, bytes: 0 };
        const labels = { route: tally.route, status: String(tally.status) };
        if (tally.responses > last.responses) requests.inc(labels, tally.responses - last.responses);
        if (tally.bytes > last.bytes) bytes.inc({ route: tally.route }, tally.bytes - last.bytes);
        reported.set(tally, { responses: tally.responses, bytes: tally.bytes });
      }
    }
  };
  const requests = new Counter({
    name: 'onair_relay_http_requests_total',
    help: 'HTTP responses by route pattern and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
    collect: flush,
  });
  const bytes = new Counter({
    name: 'onair_relay_http_response_bytes_total',
    help: 'HTTP response body bytes sent, by route pattern.',
    labelNames: ['route'] as const,
    registers: [registry],
    collect: flush,
  });
  new Gauge({
    name: 'onair_relay_viewers',
    help: 'Distinct HLS viewers (client IP and User-Agent) seen in the last 30 s, by room.',
    labelNames: ['room'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [room, count] of viewers.counts()) this.set({ room }, count);
    },
  });
  return {
    responded(route, status, length) {
      let byStatus = tallies.get(route);
      if (!byStatus) {
        byStatus = new Map();
        tallies.set(route, byStatus);
      }
      let tally = byStatus.get(status);
      if (!tally) {
        tally = { route, status, responses: 0, bytes: 0 };
        byStatus.set(status, tally);
      }
      tally.responses++;
      tally.bytes += length;
    },
  };
}
