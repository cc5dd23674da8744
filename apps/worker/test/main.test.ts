import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  type CheckJob,
  checkQueueName,
  monitorChangesChannel,
  VERIFY_QUEUE,
  type VerifyBatchJob,
} from '@sentinelmesh/core';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpsEndpoints, startAppProcess } from '../../../test/support/app-process';
import { httpSpec, startTarget, waitFor } from './helpers';

let t: TestDatabase;
let orgId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${uniqueQueuePrefix()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
});

function monitorRow(paused: boolean): Promise<string> {
  return insertMonitor(t.db, orgId, { config: { name: 'x', paused } });
}
afterAll(async () => t?.drop());

const startApp = (env: Record<string, string>) =>
  startAppProcess('worker', {
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    OPS_PORT: '0',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ...env,
  });

describe('worker process', () => {
  it('serves health, readiness and metrics, runs checks of its region, skips those of paused monitors and stops cleanly on SIGTERM', async () => {
    const prefix = uniqueQueuePrefix();
    const { child, listeningPort } = startApp({
      QUEUE_PREFIX: prefix,
      REGION: 'eu-west',
      ALLOW_PRIVATE_TARGETS: 'true',
    });
    const redis = createRedis(testRedisUrl());
    const checks = new Queue<CheckJob>(checkQueueName('eu-west'), { connection: redis, prefix });
    const verify = new Queue<VerifyBatchJob>(VERIFY_QUEUE, { connection: redis, prefix });
    const target = await startTarget();
    try {
      const port = await listeningPort();
      const metrics = await expectOpsEndpoints(port);
      expect(metrics).toMatch(/worker_invalid_jobs_total\{app="worker"\} 0/);

      const spec = httpSpec(target.url('/ok'), { id: await monitorRow(false), orgId });
      const scheduledAtMs = Date.now();
      await checks.add('check', { spec, scheduledAtMs, region: 'eu-west', kind: 'scheduled', attempt: 0 });
      const row = await waitFor('the result row', () =>
        t.db.selectFrom('check_results').selectAll().where('monitor_id', '=', spec.id).executeTakeFirst(),
      );
      expect(row).toMatchObject({ region: 'eu-west', ok: true, status_code: 200 });
      expect(target.headers.get('/ok')?.['user-agent']).toContain('(+region=eu-west)');
      await waitFor('the verify job', async () =>
        (await verify.getJobs(['waiting'])).find((j) => j.data.monitors.some((m) => m.monitorId === spec.id)),
      );

      // The worker listens for monitor changes, and does not check a paused monitor.
      const announced = { op: 'upsert', orgId, monitorId: spec.id };
      expect(await redis.publish(monitorChangesChannel(prefix), JSON.stringify(announced))).toBe(1);
      const paused = httpSpec(target.url('/paused'), { id: await monitorRow(true), orgId });
      await checks.add('check', {
        spec: paused,
        scheduledAtMs,
        region: 'eu-west',
        kind: 'scheduled',
        attempt: 0,
      });
      await waitFor('the skipped check in the metrics', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        return /worker_checks_skipped_total\{[^}]*reason="paused"[^}]*\} 1/.test(await res.text());
      });
      expect(target.hits.get('/paused')).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
      await Promise.all([checks.close(), verify.close(), target.close()]);
      await redis.quit();
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('exits non-zero and names the variable when the configuration is invalid', async () => {
    const { child, output } = startApp({ WORKER_CONCURRENCY: 'lots' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('WORKER_CONCURRENCY');
  }, 30_000);
});
