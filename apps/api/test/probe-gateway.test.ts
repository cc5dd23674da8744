import { createHash } from 'node:crypto';
import {
  CHECK_BATCH_JOB,
  type CheckBatchJob,
  checkQueueName,
  jobPolicies,
  type StoredMonitorConfig,
  toCheckSpec,
  VERIFY_QUEUE,
} from '@sentinelmesh/core';
import { testRedisUrl } from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let redis: Redis;
let acme: Session;
let other: Session;
const queues: Queue[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  // The re-check is slow here: a revoked poll must end through the revocation notice.
  api = await startApi(testDb, {
    env: { ALLOW_PRIVATE_TARGETS: 'false' },
    probes: { pollWaitMs: 8_000, recheckMs: 60_000 },
  });
  redis = createRedis(testRedisUrl());
  acme = await signupUser(api.app, 'Acme');
  other = await signupUser(api.app, 'Other');
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await redis?.quit();
  await api?.app.close();
  await testDb?.drop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function queueOf(region: string, name = checkQueueName(region)): Queue {
  const q = new Queue(name, { connection: redis, prefix: api.config.QUEUE_PREFIX });
  queues.push(q);
  return q;
}

async function location(owner: Session, allowPrivateTargets = true) {
  const res = await client(api.app, owner.token).post('/v1/locations', {
    name: 'Office LAN',
    allowPrivateTargets,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; region: string; allowPrivateTargets: boolean };
}

async function probeToken(owner: Session, locationId: string) {
  const res = await client(api.app, owner.token).post(`/v1/locations/${locationId}/probes`, {
    name: 'rack-1',
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; token: string };
}

async function monitorIn(owner: Session, regions: string[], overrides: Record<string, unknown> = {}) {
  const res = await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ regions, ...overrides }));
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const row = await testDb.db
    .selectFrom('monitors')
    .select(['config', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    id,
    orgId: owner.orgId,
    config: row.config as StoredMonitorConfig,
    version: row.updated_at.getTime(),
  };
}

type Monitor = Awaited<ReturnType<typeof monitorIn>>;

/** A scheduler batch job of `monitors`' slots at `scheduledAtMs`, queued in `region`. */
async function queueBatch(region: string, monitors: Monitor[], scheduledAtMs: number) {
  const data: CheckBatchJob = {
    shard: 0,
    region,
    kind: 'scheduled',
    checks: monitors.map((m) => ({
      spec: toCheckSpec(m.orgId, m.id, m.config, m.version),
      scheduledAtMs,
      configVersion: m.version,
    })),
  };
  return queueOf(region).add(CHECK_BATCH_JOB, data, {
    ...jobPolicies.check,
    jobId: `t-${region}-${scheduledAtMs}`,
  });
}

const asProbe = (token: string) => ({
  session: () =>
    api.app.inject({
      method: 'GET',
      url: '/v1/probe/session',
      headers: { authorization: `Bearer ${token}` },
    }),
  poll: () =>
    api.app.inject({
      method: 'POST',
      url: '/v1/probe/poll',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        version: '1.2.3',
        stats: { checksPerSecond: 12.5, lagP99Ms: 7, heldResults: 3, droppedResults: 1 },
      },
    }),
  results: (results: unknown[]) =>
    api.app.inject({
      method: 'POST',
      url: '/v1/probe/results',
      headers: { authorization: `Bearer ${token}` },
      payload: { results },
    }),
});

function resultOf(monitorId: string, scheduledAtMs: number, overrides: Record<string, unknown> = {}) {
  return {
    monitorId,
    scheduledAt: new Date(scheduledAtMs).toISOString(),
    checkedAt: new Date(scheduledAtMs + 5).toISOString(),
    kind: 'scheduled',
    attempt: 0,
    ok: true,
    statusCode: 200,
    latencyMs: 42,
    phases: { dnsMs: 1, connectMs: 2, tlsMs: null, ttfbMs: 30, transferMs: 9 },
    certExpiresAt: null,
    error: null,
    failedAssertions: [],
    ...overrides,
  };
}

describe('probe tokens', () => {
  it('are shown once, stored only as their SHA-256, and open a session of their location', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    expect(probe.token).toMatch(/^smp_[A-Za-z0-9_-]{43}$/);
    const row = await testDb.db
      .selectFrom('probes')
      .selectAll()
      .where('id', '=', probe.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(probe.token));
    expect(JSON.stringify(row)).not.toContain(probe.token);
    const listed = await client(api.app, acme.token).get('/v1/probes');
    expect(listed.body).not.toContain(probe.token);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: probe.id, region: loc.region, locationId: loc.id, status: 'never_seen' }),
    ]);

    const session = await asProbe(probe.token).session();
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      probeId: probe.id,
      region: loc.region,
      organizationId: acme.orgId,
      allowPrivateTargets: true,
      pollWaitMs: 8_000,
      maxResultsPerPost: 1_000,
    });
    expectProblem(await asProbe(`smp_${'x'.repeat(43)}`).session(), 401);
    expectProblem(await asProbe(acme.token).session(), 401);
  });
});

describe('polls', () => {
  it("hand over the region's due slots with their specs, complete the job and record the probe's stats", async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const monitor = await monitorIn(acme, [loc.region]);
    const at = Date.now() - 1_000;
    const job = await queueBatch(loc.region, [monitor], at);

    const res = await asProbe(probe.token).poll();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().checks).toEqual([
      expect.objectContaining({
        monitorId: monitor.id,
        scheduledAt: new Date(at).toISOString(),
        kind: 'scheduled',
        attempt: 0,
        spec: expect.objectContaining({
          id: monitor.id,
          orgId: acme.orgId,
          url: 'https://shop.example.com/health',
        }),
      }),
    ]);
    // Handed over: the job is done (removed on completion), never handed to another probe.
    expect(await queueOf(loc.region).getJob(job.id as string)).toBeUndefined();
    const listed = await client(api.app, acme.token).get('/v1/probes');
    expect(listed.json().items.find((p: { id: string }) => p.id === probe.id)).toMatchObject({
      version: '1.2.3',
      checksPerSecond: 12.5,
      lagP99Ms: 7,
      heldResults: 3,
      droppedResults: 1,
      status: 'online',
    });
  });

  it("of a private location never hand over another organization's slot queued in its region", async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const mine = await monitorIn(acme, [loc.region]);
    const theirs = await monitorIn(other, ['local']);
    await queueBatch(loc.region, [theirs, mine], Date.now() - 500);

    const res = await asProbe(probe.token).poll();
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.map((c: { monitorId: string }) => c.monitorId)).toEqual([mine.id]);
    expect(res.body).not.toContain(theirs.id);
    const row = await testDb.db
      .selectFrom('probes')
      .select('dropped_slots')
      .where('id', '=', probe.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.dropped_slots)).toBe(1);
  });

  it('end with 401 at once when the token is revoked while the poll waits', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const started = Date.now();
    const polling = asProbe(probe.token).poll();
    // The poll is held open (nothing is due) once it recorded the probe as seen.
    await waitFor(async () => {
      const row = await testDb.db
        .selectFrom('probes')
        .select('last_seen_at')
        .where('id', '=', probe.id)
        .executeTakeFirstOrThrow();
      expect(row.last_seen_at).not.toBeNull();
    });
    const revoked = await client(api.app, acme.token).delete(`/v1/locations/${loc.id}/probes/${probe.id}`);
    expect(revoked.statusCode).toBe(204);
    expectProblem(await polling, 401);
    expect(Date.now() - started).toBeLessThan(4_000);
    expectProblem(await asProbe(probe.token).session(), 401);
    expectProblem(await asProbe(probe.token).results([resultOf(probe.id, Date.now())]), 401);
  });
});

describe('results', () => {
  it('pushed twice are written once, stamped with the probe region and organization, and poke the verifier', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const monitor = await monitorIn(acme, [loc.region]);
    const at = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    const details = [{ label: 'Round trip', value: 3.5, unit: 'ms' }];
    const batch = [resultOf(monitor.id, at, { details }), resultOf(monitor.id, at + 1_000)];
    const verify = queueOf('', VERIFY_QUEUE);
    const pokesBefore = await verify.count();

    const first = await asProbe(probe.token).results(batch);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, duplicates: 0, refused: [] });
    const again = await asProbe(probe.token).results(batch);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 2, refused: [] });

    const rows = await testDb.db
      .selectFrom('check_results')
      .select(['region', 'org_id', 'latency_ms', 'details'])
      .where('monitor_id', '=', monitor.id)
      .orderBy('scheduled_at')
      .execute();
    expect(rows).toEqual([
      { region: loc.region, org_id: acme.orgId, latency_ms: 42, details },
      { region: loc.region, org_id: acme.orgId, latency_ms: 42, details: null },
    ]);
    expect(await verify.count()).toBeGreaterThan(pokesBefore);
  });

  it('are refused for monitors outside the region, of another organization, or checked in the future', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const inRegion = await monitorIn(acme, [loc.region]);
    const elsewhere = await monitorIn(acme, ['local']);
    const theirs = await monitorIn(other, ['local']);
    const at = Date.now() - 5_000;
    const res = await asProbe(probe.token).results([
      resultOf(elsewhere.id, at),
      resultOf(theirs.id, at),
      resultOf(inRegion.id, at, { checkedAt: new Date(Date.now() + 600_000).toISOString() }),
      resultOf(inRegion.id, at),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      refused: [
        { index: 0, reason: `the monitor does not run in region ${loc.region}` },
        { index: 1, reason: 'no such monitor' },
        { index: 2, reason: 'checkedAt is ahead of the gateway clock; check the probe clock' },
      ],
    });
    const stored = await testDb.db
      .selectFrom('check_results')
      .select('monitor_id')
      .where('region', '=', loc.region)
      .where('monitor_id', 'in', [elsewhere.id, theirs.id])
      .execute();
    expect(stored).toEqual([]);
  });

  it('that do not parse are a 400 problem, and nothing of the batch is written', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const monitor = await monitorIn(acme, [loc.region]);
    const res = await asProbe(probe.token).results([
      resultOf(monitor.id, Date.now() - 1_000),
      resultOf(monitor.id, Date.now() - 2_000, { region: 'spoofed' }),
    ]);
    expectProblem(res, 400);
    const rows = await testDb.db
      .selectFrom('check_results')
      .select('monitor_id')
      .where('monitor_id', '=', monitor.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('bodies', () => {
  it('over the route limit are a 413 problem naming that limit', async () => {
    const loc = await location(acme);
    const probe = await probeToken(acme, loc.id);
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/probe/poll',
      headers: { authorization: `Bearer ${probe.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ version: 'x'.repeat(20_000), stats: {} }),
    });
    expect(expectProblem(res, 413).detail).toBe('the request body is larger than the limit of 16 KiB');
  });
});

describe('the private-target rule', () => {
  it('lets a monitor name a loopback target only when all its regions are own locations allowing it', async () => {
    const open = await location(acme, true);
    const closed = await location(acme, false);
    const theirs = await location(other, true);
    const loopback = { url: 'http://127.0.0.1:8080/health' };
    const acmeApi = client(api.app, acme.token);

    expect(
      (await acmeApi.post('/v1/monitors', httpMonitor({ ...loopback, regions: [open.region] }))).statusCode,
    ).toBe(201);
    const mixed = expectProblem(
      await acmeApi.post('/v1/monitors', httpMonitor({ ...loopback, regions: [open.region, 'local'] })),
      400,
    );
    expect(mixed.errors[0]?.path).toBe('url');
    expectProblem(
      await acmeApi.post('/v1/monitors', httpMonitor({ ...loopback, regions: [closed.region] })),
      400,
    );
    const foreign = expectProblem(
      await acmeApi.post('/v1/monitors', httpMonitor({ regions: [theirs.region] })),
      400,
    );
    expect(foreign.errors[0]).toMatchObject({ path: 'regions' });
    expect(foreign.errors[0]?.message).toContain(`unknown region(s) ${theirs.region}`);

    // Moving a private target out of its location is judged again.
    const made = await monitorIn(acme, [open.region], loopback);
    expectProblem(await acmeApi.patch(`/v1/monitors/${made.id}`, { regions: ['local'] }), 400);
  });

  it('keeps heartbeat and browser monitors on worker regions: a probe reads no pings and runs no browser', async () => {
    const office = await location(acme, false);
    const acmeApi = client(api.app, acme.token);
    for (const body of [
      { type: 'heartbeat', name: 'nightly job', periodSeconds: 3600 },
      { type: 'browser', name: 'sign-in', script: "await page.goto('https://example.com/');" },
    ]) {
      const refused = expectProblem(
        await acmeApi.post('/v1/monitors', { ...body, regions: ['local', office.region] }),
        400,
      );
      expect(refused.errors).toEqual([
        { path: 'regions', message: expect.stringContaining(`${office.region} is served by probes`) },
      ]);
      expect((await acmeApi.post('/v1/monitors', { ...body, regions: ['local'] })).statusCode).toBe(201);
    }
  });
});
