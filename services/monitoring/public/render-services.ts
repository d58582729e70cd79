// The services table: every polled target's health, last answer, uptime and error.
import { ago, byId, duration, el, row } from './dom.js';
import type { ServiceStatus } from '../src/status/status-types.js';

function natsCell(nats: ServiceStatus['nats'], nowMs: number): HTMLSpanElement {
  if (nats === null) return el('span', 'muted', '—');
  if (nats.connected) return el('span', '', 'connected');
  return el('span', 'off', `lost ${ago(nats.sinceMs, nowMs)}`);
}

/** Renders every target into `#services` and the count of serving ones into `#services-summary`. */
export function renderServices(services: readonly ServiceStatus[], nowMs: number): void {
  const body = byId('services');
  body.replaceChildren(
    ...services.map((s) => {
      const name = el('div', 'name', s.name);
      if (s.instance) name.append(el('span', 'muted mono', ` ${s.instance.slice(0, 8)}`));
      const health = el('span', `badge ${s.health.toLowerCase()}`, s.health.replace('_', ' '));
      return row([
        name,
        el('span', 'mono', s.address),
        health,
        ago(s.lastSeenMs, nowMs),
        duration(s.uptimeMs),
        natsCell(s.nats, nowMs),
        el('span', 'error', s.error ?? ''),
      ]);
    }),
  );
  const up = services.filter((s) => s.health === 'SERVING').length;
  byId('services-summary').textContent = `${up} of ${services.length} serving`;
}
