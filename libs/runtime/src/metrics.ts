import { Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/**
 * Creates a process's Prometheus registry with the default Node metrics, every series labelled with the
 * service. Each service owns its registry (no global one), so tests can run several in one process.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'onair_' });
  return registry;
}

/** Serves `GET /metrics` in the Prometheus text exposition format 0.0.4 from `registry`. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_req, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
}
