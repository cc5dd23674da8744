import { slotsBetween, type VerifyJob } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerifierMetrics, type VerifierMetrics } from '../src/metrics';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import { createMonitor, createOrg, incidentsOf, insertResult, monitorState } from './fixtures';

const logger = createLogger('verifier-test', 'silent');
// Slot deadline: planned + timeoutMs (2 s) + the default lateness (two 10 s job locks + 5 s).
const DEADLINE = 27_000;
let tdb: TestDatabase;
let redis: Redis;
let metrics: VerifierMetrics;
let engine: VerifierEngine;
let now = 0;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  metrics = createVerifierMetrics(new Registry());
  const common = { db: tdb.db, connection: redis, prefix: uniqueQueuePrefix(), logger, metrics };
  engine = createVerifier({ ...common, regions: ['eu', 'us'], clock: () => now });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await engine?.close();
  await redis?.quit();
  await tdb?.drop();
});

/** A two-region monitor (10 s interval, 2 s timeout) and its planned slots from an hour ago. */
async function setup(orgId?: string) {
  const org = orgId ?? (await createOrg(tdb.db));
  const monitorId = await createMonitor(tdb.db, org, {
    regions: ['eu', 'us'],
    intervalSeconds: 10,
    timeoutMs: 2_000,
  });
  const from = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const slots = slotsBetween(monitorId, 10, from, from + 600_000);
  const job: VerifyJob = { orgId: org, monitorId };
  return { orgId: org, monitorId, job, slot: (k: number) => slots[k] as number };
}

type Monitor = Awaited<ReturnType<typeof setup>>;

async function arrive(m: Monitor, k: number, region: string, ok: boolean) {
  await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: m.slot(k), ok, region });
}

async function verifyAt(m: Monitor, atMs: number) {
  now = atMs;
  return engine.verify(m.job);
}

const through = async (m: Monitor) => (await monitorState(tdb.db, m.monitorId)).consumed_through?.getTime();

async function counter(name: 'resultsLate' | 'regionDegraded', region: string): Promise<number> {
  const values = (await metrics[name].get()).values;
  return values.find((v) => v.labels.region === region)?.value ?? 0;
}

async function notices(orgId: string) {
  return tdb.db
    .selectFrom('region_notices')
    .select(['region', 'event'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
}

/** Both regions report slot 0. */
async function running(orgId?: string) {
  const m = await setup(orgId);
  await arrive(m, 0, 'eu', true);
  await arrive(m, 0, 'us', true);
  await verifyAt(m, m.slot(0) + 500);
  expect(await through(m)).toBe(m.slot(0));
  return m;
}

describe('verdicts in real topologies', () => {
  it('a slot decided without a late region is inconclusive, and the late result is counted, marked and never judged', async () => {
    const m = await running();
    const lateBefore = await counter('resultsLate', 'us');
    await arrive(m, 1, 'eu', false);
    expect(await verifyAt(m, m.slot(1) + 500)).toMatchObject({ verdicts: 0, held: 1 });
    expect(await verifyAt(m, m.slot(1) + DEADLINE + 1)).toMatchObject({ verdicts: 0, held: 0, late: 0 });
    expect(await through(m)).toBe(m.slot(1));
    expect((await monitorState(tdb.db, m.monitorId)).status).toBe('up');

    await arrive(m, 1, 'us', false);
    expect(await verifyAt(m, m.slot(1) + DEADLINE + 2_000)).toMatchObject({ verdicts: 0, late: 1 });
    const rows = await tdb.db
      .selectFrom('late_results')
      .selectAll()
      .where('monitor_id', '=', m.monitorId)
      .execute();
    expect(rows.map((r) => [r.region, r.scheduled_at.getTime(), r.kind])).toEqual([
      ['us', m.slot(1), 'scheduled'],
    ]);
    expect(await counter('resultsLate', 'us')).toBe(lateBefore + 1);
    // Counted once: a later verification finds nothing new.
    expect(await verifyAt(m, m.slot(1) + DEADLINE + 3_000)).toMatchObject({ late: 0 });
    expect(await incidentsOf(tdb.db, m.monitorId)).toEqual([]);
  });

  it('judges an out-of-order pair in slot order: slot 2 waits for slot 1 within its lateness', async () => {
    const m = await running();
    await arrive(m, 2, 'eu', false);
    await arrive(m, 2, 'us', false);
    expect(await verifyAt(m, m.slot(2) + 500)).toMatchObject({ verdicts: 0, held: 2 });
    expect(await through(m)).toBe(m.slot(0));
    const held = await monitorState(tdb.db, m.monitorId);
    expect(held.wake_at?.getTime()).toBe(m.slot(1) + DEADLINE);

    await arrive(m, 1, 'eu', false);
    await arrive(m, 1, 'us', false);
    const run = await verifyAt(m, m.slot(2) + 700);
    // Slot 1 is judged first; decided after its re-check's planned time, it asks for none, and slot 2
    // confirms the failure.
    expect(run).toMatchObject({
      verdicts: 2,
      held: 0,
      late: 0,
      transitions: ['up->down'],
      confirmationJobIds: [],
    });
    expect(await through(m)).toBe(m.slot(2));
  });

  it('declares a silent region degraded once per organization, alerts over the live region naming it, and restores it', async () => {
    const first = await running();
    const orgId = first.orgId;
    const second = await running(orgId);
    const degradedBefore = await counter('regionDegraded', 'us');
    const monitors = [first, second];
    // Region us stops reporting after slot 0; eu sees the target fail.
    for (const m of monitors) {
      await arrive(m, 1, 'eu', false);
      expect(await verifyAt(m, m.slot(1) + DEADLINE + 1)).toMatchObject({ verdicts: 0, regionNotices: [] });
    }
    for (const m of monitors) {
      await arrive(m, 2, 'eu', false);
      await verifyAt(m, m.slot(2) + DEADLINE + 1);
      const state = await monitorState(tdb.db, m.monitorId);
      expect(state.machine.degraded).toEqual(['us']);
      await insertResult(tdb.db, m.orgId, m.monitorId, {
        scheduledAtMs: m.slot(2) + 5_000,
        ok: false,
        kind: 'confirmation',
        attempt: 1,
        region: 'eu',
      });
      expect(await verifyAt(m, m.slot(2) + DEADLINE + 2)).toMatchObject({ transitions: ['up->down'] });
      const [incident] = await incidentsOf(tdb.db, m.monitorId);
      expect(incident?.cause).toBe('HTTP 500 (region us not reporting)');
    }
    expect(await notices(orgId)).toEqual([{ region: 'us', event: 'region.degraded' }]);
    expect(await counter('regionDegraded', 'us')).toBe(degradedBefore + 1);
    expect((await metrics.regionsDegraded.get()).values.find((v) => v.labels.region === 'us')?.value).toBe(1);

    // us reports again: restored at once, once for the organization.
    for (const m of monitors) {
      await arrive(m, 3, 'eu', false);
      await arrive(m, 3, 'us', false);
      await verifyAt(m, m.slot(3) + 500);
      expect((await monitorState(tdb.db, m.monitorId)).machine.degraded).toEqual([]);
    }
    expect(await notices(orgId)).toEqual([
      { region: 'us', event: 'region.degraded' },
      { region: 'us', event: 'region.restored' },
    ]);
    expect((await metrics.regionsDegraded.get()).values.find((v) => v.labels.region === 'us')?.value).toBe(0);
  });

  it('restores a degraded region from its late results, counting each once in the metric and in late_results', async () => {
    const m = await running();
    const lateBefore = await counter('resultsLate', 'us');
    for (const k of [1, 2]) {
      await arrive(m, k, 'eu', true);
      await verifyAt(m, m.slot(k) + DEADLINE + 1);
    }
    expect((await monitorState(tdb.db, m.monitorId)).machine.degraded).toEqual(['us']);
    // us is back, but a degraded region is not waited for: slot 3 is judged on eu before us lands.
    await arrive(m, 3, 'eu', true);
    await verifyAt(m, m.slot(3) + DEADLINE + 1_000);
    expect(await through(m)).toBe(m.slot(3));
    await arrive(m, 3, 'us', true);
    const run = await verifyAt(m, m.slot(3) + DEADLINE + 1_200);
    expect(run).toMatchObject({ late: 1, regionNotices: ['region.restored:us'] });
    expect((await monitorState(tdb.db, m.monitorId)).machine.degraded).toEqual([]);
    const rows = await tdb.db
      .selectFrom('late_results')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('monitor_id', '=', m.monitorId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(1);
    expect(await counter('resultsLate', 'us')).toBe(lateBefore + 1);
    // Live again: slot 4 waits for us instead of being judged on eu alone.
    await arrive(m, 4, 'eu', false);
    expect(await verifyAt(m, m.slot(4) + 500)).toMatchObject({ verdicts: 0, held: 1 });
  });

  it.each([5_000, -5_000])(
    'a verifier whose own clock is off by %i ms decides as one on time: deadlines use the database clock',
    async (offsetMs) => {
      const deployed = createVerifier({
        db: tdb.db,
        connection: redis,
        prefix: uniqueQueuePrefix(),
        logger,
        metrics: createVerifierMetrics(new Registry()),
        regions: ['eu', 'us'],
      });
      try {
        const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(tdb.db);
        const dbNow = (rows[0] as { now: Date }).now.getTime();
        const real = Date.now;
        vi.spyOn(Date, 'now').mockImplementation(() => real() + offsetMs);
        // One slot whose deadline is 2.5 s ahead of the database's clock, one 2.5 s behind it: a
        // verifier trusting its own clock would decide the first (clock ahead) or hold the second (behind).
        const ahead = await setup();
        const behind = await setup();
        for (const [m, deadlineIn] of [
          [ahead, 2_500],
          [behind, -2_500],
        ] as const) {
          const slot = dbNow + deadlineIn - DEADLINE;
          await insertResult(tdb.db, m.orgId, m.monitorId, {
            scheduledAtMs: slot - 10_000,
            ok: true,
            region: 'eu',
          });
          await insertResult(tdb.db, m.orgId, m.monitorId, {
            scheduledAtMs: slot - 10_000,
            ok: true,
            region: 'us',
          });
          await insertResult(tdb.db, m.orgId, m.monitorId, { scheduledAtMs: slot, ok: false, region: 'eu' });
        }
        expect(await deployed.verify(ahead.job)).toMatchObject({ verdicts: 1, held: 1 });
        expect(await deployed.verify(behind.job)).toMatchObject({ verdicts: 1, held: 0 });
        expect((await monitorState(tdb.db, behind.monitorId)).consumed_through?.getTime()).toBe(
          dbNow - 2_500 - DEADLINE,
        );
      } finally {
        await deployed.close();
      }
    },
  );
});
