import { createDb, type Db, pingDatabase, waitForDatabase, waitForSchema } from '@sentinelmesh/db';
import type { Registry } from 'prom-client';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry } from './ops';
import { serveUntilShutdown } from './ops-server';
import { assertRedisPolicy, connectRedis, type RedisClient, type RedisTarget } from './redis';
import { keepResultPartitions } from './result-partitions';
import { runMain } from './run-main';
import type { ShutdownOptions } from './shutdown';

/** The settings the start-up of every background app reads. */
export interface BackgroundEnv extends RedisTarget {
  DATABASE_URL: string;
  LOG_LEVEL: string;
  HOST: string;
  OPS_PORT: number;
}

/** What a background app's own start-up gets: its parsed env and the connections it shares. */
export interface BackgroundContext<E extends BackgroundEnv> {
  env: E;
  logger: Logger;
  db: Db;
  redis: RedisClient;
  registry: Registry;
}

export interface BackgroundAppOptions<E extends BackgroundEnv> {
  name: string;
  loadEnv: () => E;
  /** Postgres pool size (default 10). */
  poolSize?: number;
  /** A worker's region: on every log line and in the Postgres application name. */
  region?: (env: E) => string;
  /** Starts the app's work; answers the steps that stop it, run in order on SIGTERM/SIGINT. */
  start: (app: BackgroundContext<E>) => Promise<ShutdownOptions['steps']>;
}

/**
 * What every app waits for before it works: a Redis that may not evict keys (refused otherwise),
 * Postgres answering, and the migrate step done (apps never migrate). Each wait is bounded.
 */
export async function waitForDependencies(options: {
  db: Db;
  redis: RedisClient;
  logger: Logger;
}): Promise<void> {
  const { db, redis, logger } = options;
  await assertRedisPolicy(redis, logger);
  await waitForDatabase(db, {
    onRetry: (error, retryInMs) => logger.warn({ err: error, retryInMs }, 'waiting for Postgres'),
  });
  await waitForSchema(db, {
    onWait: (pending, retryInMs) =>
      logger.warn({ pending, retryInMs }, 'waiting for the migrate step to apply these migrations'),
  });
}

/**
 * The one start-up of the scheduler, worker and verifier: parse the env, connect, refuse a Redis that
 * may evict keys, wait (bounded) for Postgres and for the migrate step (apps never migrate), keep the
 * result partitions a week ahead, start the app's work, then serve /health, /ready and /metrics until
 * a signal drains it: the app's steps, the partition keeper, the ops server, Redis, Postgres.
 * A failure before the work starts prints one line and exits 1.
 */
export function runBackgroundApp<E extends BackgroundEnv>(options: BackgroundAppOptions<E>): void {
  const { name } = options;
  runMain(name, async () => {
    const env = options.loadEnv();
    const region = options.region?.(env);
    const root = createLogger(name, env.LOG_LEVEL);
    const logger = region ? root.child({ region }) : root;
    const db = createDb({
      connectionString: env.DATABASE_URL,
      applicationName: region ? `sentinelmesh-${name}-${region}` : `sentinelmesh-${name}`,
      ...(options.poolSize ? { max: options.poolSize } : {}),
      onPoolError: (error) => logger.warn({ err: error }, 'idle Postgres connection failed'),
    });
    const redis = connectRedis(env);
    redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection error'));

    await waitForDependencies({ db, redis, logger });
    const partitions = await keepResultPartitions({ db, logger });

    const registry = createMetricsRegistry(name);
    const steps = await options.start({ env, logger, db, redis, registry });
    await serveUntilShutdown({
      host: env.HOST,
      port: env.OPS_PORT,
      logger,
      registry,
      redis,
      postgres: { ping: () => pingDatabase(db), close: () => db.destroy() },
      steps: [...steps, { name: 'partitions', run: partitions.stop }],
    });
  });
}
