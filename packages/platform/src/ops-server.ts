import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { type ReadinessCheck, registerOpsRoutes } from './ops';
import type { RedisClient } from './redis';
import { installShutdown, type ShutdownOptions } from './shutdown';

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

/** Builds the ops server, listens, and logs `listening` with the port it got (OPS_PORT=0 picks one). */
export async function startOpsServer(options: {
  logger: Logger;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  host: string;
  port: number;
}): Promise<FastifyInstance> {
  const ops = buildOpsServer(options);
  await ops.listen({ host: options.host, port: options.port });
  const address = ops.server.address();
  options.logger.info(
    { port: typeof address === 'object' && address ? address.port : options.port },
    'listening',
  );
  return ops;
}

/**
 * What a background app does once its work has started: serves /health, /ready (Postgres and Redis)
 * and /metrics, and on SIGTERM runs the app's own steps, then closes the ops server, Redis and
 * Postgres, in that order.
 */
export async function serveUntilShutdown(options: {
  logger: Logger;
  registry: Registry;
  host: string;
  port: number;
  redis: RedisClient;
  postgres: { ping: () => Promise<unknown>; close: () => Promise<unknown> };
  steps: ShutdownOptions['steps'];
}): Promise<void> {
  const { logger, redis, postgres } = options;
  const ops = await startOpsServer({
    ...options,
    checks: { postgres: postgres.ping, redis: () => redis.ping() },
  });
  installShutdown({
    logger,
    steps: [
      ...options.steps,
      { name: 'ops', run: () => ops.close() },
      { name: 'redis', run: () => redis.quit() },
      { name: 'postgres', run: postgres.close },
    ],
  });
}
