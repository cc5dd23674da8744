import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERIFY_QUEUE, type VerifyQueueJob } from '@sentinelmesh/core';
import { databaseNow } from '@sentinelmesh/db';
import { listenForMonitorChanges, queuePrefix, runBackgroundApp, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import { createBrowserPool } from './browser/pool';
import { RdapClient, runCheck } from './checks/index';
import { loadWorkerEnv } from './env';
import { createHeartbeatReader } from './heartbeat-reader';
import { createWorkerMetrics } from './metrics';
import { createSecretSource } from './monitor-secrets';
import { createMonitorVersions } from './monitor-versions';
import { createReferenceClock } from './reference-clock';
import { ResultWriter } from './result-writer';
import { addPokes, type VerifyPoke } from './verify-pokes';
import { userAgentFor } from './version';
import { startCheckWorker } from './worker';

runBackgroundApp({
  name: 'worker',
  loadEnv: loadWorkerEnv,
  region: (env) => env.REGION,
  start: async ({ env, logger, db, redis, registry }) => {
    const metrics = createWorkerMetrics(registry);
    const verifyQueue = new Queue<VerifyQueueJob>(VERIFY_QUEUE, {
      connection: redis,
      prefix: queuePrefix(redis, env.QUEUE_PREFIX, VERIFY_QUEUE),
    });
    const writer = new ResultWriter<VerifyPoke>({
      db,
      logger,
      afterInsert: addPokes(verifyQueue),
      onRetry: () => metrics.writeRetries.inc(),
    });
    // Checks run at their planned time and are stamped on the database's clock, whatever this host's says.
    const clock = createReferenceClock({
      sample: () => databaseNow(db),
      logger,
    });
    await clock.start();
    const versions = createMonitorVersions({ db, logger });
    const changes = await listenForMonitorChanges({
      redis,
      prefix: env.QUEUE_PREFIX,
      logger,
      onChange: (change) => versions.forget(change.monitorId),
      onReconnect: () => versions.forgetAll(),
    });
    // Browser checks need Chromium on this host; without it (or with BROWSER_CONCURRENCY=0) they fail as internal.
    const browsers =
      env.BROWSER_CONCURRENCY > 0 && existsSync(env.CHROMIUM_PATH)
        ? createBrowserPool({
            concurrency: env.BROWSER_CONCURRENCY,
            executablePath: env.CHROMIUM_PATH,
            // src/browser/ when run from the sources, dist/browser/ when built.
            runnerPath: fileURLToPath(new URL('./browser/runner.mjs', import.meta.url)),
          })
        : undefined;
    if (!browsers) logger.info({ chromium: env.CHROMIUM_PATH }, 'browser checks are off on this worker');
    const worker = startCheckWorker({
      region: env.REGION,
      context: {
        region: env.REGION,
        userAgent: userAgentFor(env.REGION),
        allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS,
        now: () => new Date(clock.now()),
        heartbeats: createHeartbeatReader(db),
        rdap: new RdapClient({ baseUrl: env.RDAP_BASE_URL }),
        ...(browsers ? { browsers } : {}),
      },
      runCheck,
      // A re-delivered batch reads which of its slots already have a result and runs only the rest.
      db,
      secrets: createSecretSource({ db, box: new SecretBox(env.SECRETS_KEY), logger }),
      versions,
      writer,
      metrics,
      logger,
      connection: redis,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      ...(env.WORKER_JOB_CONCURRENCY ? { jobConcurrency: env.WORKER_JOB_CONCURRENCY } : {}),
      lockDurationMs: env.JOB_LOCK_MS,
    });
    return [
      { name: 'worker', run: () => worker.close() },
      { name: 'browsers', run: async () => browsers?.close() },
      { name: 'monitor-changes', run: () => changes.close().finally(() => versions.close()) },
      { name: 'results', run: () => writer.close() },
      { name: 'verify-queue', run: () => verifyQueue.close() },
      { name: 'reference-clock', run: async () => clock.close() },
    ];
  },
});
