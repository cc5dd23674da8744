import type { VerifyJob } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerifyBatcher } from '../src/verify/batcher';
import { verifyMonitor, verifyMonitors } from '../src/verify/verify-monitor';
import { createMonitor, createOrg, incidentsOf, insertResult, monitorState } from './fixtures';

let tdb: TestDatabase;
let orgId: string;
// Slots 10 s apart, well in the past, so nothing waits on real time.
const base = Math.floor(Date.now() / 10_000) * 10_000 - 3_600_000;
const slot = (k: number) => base + k * 10_000;
const now = slot(40);
const REGIONS = ['local'];

beforeAll(async () => {
  tdb = await createTestDatabase();
  orgId = await createOrg(tdb.db);
});
afterAll(async () => tdb?.drop());

/** Monitor shapes that exercise every path: up, a single failure, an outage to confirm, down, paused. */
const shapes: Array<{
  paused?: boolean;
  results: Array<[number, boolean, ('scheduled' | 'confirmation')?]>;
}> = [
  { results: [[0, true]] },
  {
    results: [
      [0, true],
      [1, false],
    ],
  },
  {
    results: [
      [0, true],
      [1, false],
      [2, false],
    ],
  },
  {
    results: [
      [0, true],
      [1, false],
      [1.5, false, 'confirmation'],
    ],
  },
  {
    results: [
      [0, false],
      [0.5, false, 'confirmation'],
      [1, true],
      [2, true],
    ],
  },
  {
    paused: true,
    results: [
      [0, false],
      [1, false],
    ],
  },
];

async function seed(): Promise<VerifyJob[]> {
  const jobs: VerifyJob[] = [];
  for (const shape of shapes) {
    const monitorId = await createMonitor(tdb.db, orgId, { paused: shape.paused ?? false });
    for (const [k, ok, kind] of shape.results) {
      await insertResult(tdb.db, orgId, monitorId, {
        scheduledAtMs: slot(k),
        ok,
        kind: kind ?? 'scheduled',
        attempt: kind === 'confirmation' ? 1 : 0,
      });
    }
    jobs.push({ orgId, monitorId });
  }
  return jobs;
}

async function outcomeOf(monitorId: string) {
  const state = await monitorState(tdb.db, monitorId);
  const incidents = await incidentsOf(tdb.db, monitorId);
  return {
    status: state.status,
    machine: state.machine,
    consumedThrough: state.consumed_through?.getTime() ?? null,
    lastCheckedAt: state.last_checked_at?.getTime() ?? null,
    incidents: incidents.map((i) => i.status),
  };
}

describe('verifying monitors in batches', () => {
  it('decides each monitor of one transaction exactly as it would be decided alone', async () => {
    const together = await seed();
    const alone = await seed();
    const batchRuns = await verifyMonitors(tdb.db, together, now, REGIONS);
    const aloneRuns = [];
    for (const job of alone) aloneRuns.push(await verifyMonitor(tdb.db, job, now, REGIONS));

    expect(batchRuns.map((r) => r.steps.length)).toEqual(aloneRuns.map((r) => r.steps.length));
    expect(batchRuns.map((r) => r.alerts.length)).toEqual(aloneRuns.map((r) => r.alerts.length));
    for (const [i, job] of together.entries()) {
      expect(await outcomeOf(job.monitorId)).toEqual(await outcomeOf((alone[i] as VerifyJob).monitorId));
    }
    // The paths were really taken: an outage went down, a paused monitor consumed without deciding.
    expect(await outcomeOf((together[3] as VerifyJob).monitorId)).toMatchObject({
      status: 'down',
      incidents: ['open'],
    });
    expect(await outcomeOf((together[5] as VerifyJob).monitorId)).toMatchObject({
      status: 'paused',
      consumedThrough: slot(1),
    });
  });

  it('groups the verifications in hand, never puts a monitor twice in one batch, and answers each', async () => {
    const jobs = [...(await seed()), ...(await seed()), ...(await seed())];
    const batches: VerifyJob[][] = [];
    const batcher = new VerifyBatcher({
      run: (batch) => {
        batches.push(batch);
        return verifyMonitors(tdb.db, batch, now, REGIONS);
      },
      maxBatch: 8,
      maxInFlight: 2,
    });
    // Every monitor asked for twice at once, as a poke and an overdue tick might.
    const runs = await Promise.all([...jobs, ...jobs].map((job) => batcher.verify(job)));

    expect(runs).toHaveLength(jobs.length * 2);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(8);
      expect(new Set(batch.map((job) => job.monitorId)).size).toBe(batch.length);
    }
    expect(batches.length).toBeLessThan(jobs.length * 2);
    expect(batches.flat()).toHaveLength(jobs.length * 2);
    // Each monitor's results were consumed once: the second verification found nothing new.
    for (const job of jobs) {
      const mine = runs.filter((_run, i) => ([...jobs, ...jobs][i] as VerifyJob).monitorId === job.monitorId);
      expect(mine.filter((run) => run.steps.length > 0).length).toBeLessThanOrEqual(1);
    }
  });

  it('runs a failing batch again monitor by monitor, so only the bad one fails', async () => {
    const good = await seed();
    const bad: VerifyJob = { orgId, monitorId: 'not-a-uuid' };
    const batches: number[] = [];
    const batcher = new VerifyBatcher({
      run: (batch) => {
        batches.push(batch.length);
        return verifyMonitors(tdb.db, batch, now, REGIONS);
      },
      maxBatch: 64,
      maxInFlight: 1,
    });
    const settled = await Promise.allSettled([...good, bad].map((job) => batcher.verify(job)));

    expect(batches[0]).toBe(good.length + 1);
    expect(settled.slice(0, good.length).every((s) => s.status === 'fulfilled')).toBe(true);
    expect(settled.at(-1)).toMatchObject({ status: 'rejected' });
    for (const job of good) expect((await outcomeOf(job.monitorId)).consumedThrough).not.toBeNull();
  });
});
