import { randomBytes } from 'node:crypto';
import { type CheckBatchJob, monitorConfigSchema, type StoredMonitorConfig } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { insertMonitor as insertMonitorRow } from '@sentinelmesh/db/fixtures';
import { type ScheduledMonitor, scheduledMonitor } from '../src/monitor-source';
import type { BatchCheckJob } from '../src/shard-jobs';

/** Polls `probe` until it returns something truthy; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A clock the test moves by hand. */
export function manualClock(startMs: number) {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
      return now;
    },
  };
}

export async function insertOrg(db: Db): Promise<string> {
  const slug = `org-${randomBytes(4).toString('hex')}`;
  const org = await db
    .insertInto('organizations')
    .values({ name: slug, slug })
    .returning('id')
    .executeTakeFirstOrThrow();
  return org.id;
}

export function monitorConfig(overrides: Record<string, unknown> = {}): StoredMonitorConfig {
  const { channelIds: _channelIds, ...config } = monitorConfigSchema.parse({
    type: 'http',
    name: 'target',
    url: 'http://127.0.0.1:9/health',
    intervalSeconds: 2,
    timeoutMs: 1000,
    regions: ['local'],
    ...overrides,
  });
  return config;
}

export async function insertMonitor(
  db: Db,
  orgId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  return insertMonitorRow(db, orgId, { config: monitorConfig(overrides) });
}

export async function updateMonitor(db: Db, monitorId: string, overrides: Record<string, unknown>) {
  await db
    .updateTable('monitors')
    .set({ config: JSON.stringify(monitorConfig(overrides)), updated_at: new Date() })
    .where('id', '=', monitorId)
    .execute();
}

/** A planned batch job's data as the worker reads it. */
export function batchData(job: BatchCheckJob | undefined): CheckBatchJob {
  if (!job) throw new Error('no job planned');
  return JSON.parse(job.data.json) as CheckBatchJob;
}

/** A TCP monitor as the scheduler keeps it in memory, without a database row. */
export function scheduledTcpMonitor(
  id: string,
  createdAtMs: number,
  orgId = 'org-a',
  intervalSeconds = 10,
  regions = ['local'],
): ScheduledMonitor {
  return scheduledMonitor({
    id,
    orgId,
    createdAtMs,
    intervalSeconds,
    regions,
    spec: {
      id,
      orgId,
      type: 'tcp',
      name: id,
      host: 'h',
      port: 1,
      timeoutMs: 100,
      intervalSeconds,
      assertions: [],
    },
    version: 1,
  });
}
