import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<unknown>;

/** A registry with the process's default metrics, labelled with the app's name. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  // prom-client also exports the sums of its per-type gauges nodejs_active_{handles,requests,resources}
  // under a counter's `_total` suffix, which promtool rejects; sum the per-type gauges instead.
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`nodejs_active_${name}_total`);
  return registry;
}

const READY_TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<'ok' | string> {
  return Promise.race([
    check().then(() => 'ok' as const),
    new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS).unref()),
  ]).catch((error: unknown) => (error instanceof Error ? error.message.slice(0, 200) : 'error'));
}

/** `/health` (liveness), `/ready` (each dependency answers) and `/metrics` (Prometheus text), as docs/api.md says. */
export function registerOpsRoutes(
  app: FastifyInstance,
  options: {
    checks: Record<string, ReadinessCheck>;
    registry: Registry;
    /** false: the app serves /metrics itself (the API guards it with a token). */
    metrics?: boolean;
  },
): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((name) => withTimeout(options.checks[name] as ReadinessCheck)),
    );
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i] === 'ok' ? 'ok' : 'error']));
    const ready = results.every((r) => r === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  if (options.metrics === false) return;
  app.get('/metrics', async (_request, reply) => {
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
}
