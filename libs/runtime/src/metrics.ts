import { Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/**
 * prom-client's default gauges whose names end in `_total`, which `promtool check metrics` rejects
 * ("non-counter metrics should not have _total suffix"); the same counts stay exported without the suffix
 * (`onair_nodejs_active_handles`, …).
 */
const GAUGES_NAMED_TOTAL = [
  'onair_nodejs_active_handles_total',
  'onair_nodejs_active_requests_total',
  'onair_nodejs_active_resources_total',
] as const;

/**
 * Creates a process's Prometheus registry with the default Node metrics (minus the gauges promtool rejects),
 * every series labelled with the service. Each service owns its registry (no global one), so tests can run
 * several in one process.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'onair_' });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name);
  return registry;
}

/** Serves `GET /metrics` in the Prometheus text exposition format 0.0.4 from `registry`. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
}
