import { Counter, Gauge, type Registry } from 'prom-client';
import type { ViewerTracker } from '../viewers/viewer-tracker.js';

/** The relay's own Prometheus series, registered on the service registry. */
export interface RelayMetrics {
  /** HTTP responses by route pattern and status code. */
  readonly requests: Counter<'route' | 'status'>;
  /** Response body bytes sent, by route pattern. */
  readonly bytes: Counter<'route'>;
}

/**
 * Registers the relay's series: `onair_relay_http_requests_total{route,status}`,
 * `onair_relay_http_response_bytes_total{route}` and `onair_relay_viewers{room}` (read from `viewers` at
 * every scrape, so rooms without viewers drop out).
 */
export function createRelayMetrics(registry: Registry, viewers: ViewerTracker): RelayMetrics {
  const requests = new Counter({
    name: 'onair_relay_http_requests_total',
    help: 'HTTP responses by route pattern and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'onair_relay_http_response_bytes_total',
    help: 'HTTP response body bytes sent, by route pattern.',
    labelNames: ['route'] as const,
    registers: [registry],
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
  return { requests, bytes };
}
