import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { type ReadinessCheck, registerOpsRoutes } from './ops';

/** The small HTTP server of a background app (scheduler, worker, verifier): health, readiness, metrics. */
export function buildOpsServer(options: {
  logger: Logger;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
}): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'ops' }) as FastifyBaseLogger,
    disableRequestLogging: true,
  });
  registerOpsRoutes(app, options);
  return app;
}
