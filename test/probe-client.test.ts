import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CHECK_BATCH_JOB,
  type CheckBatchJob,
  checkQueueName,
  jobPolicies,
  type StoredMonitorConfig,
  toCheckSpec,
} from '@sentinelmesh/core';
import { testRedisUrl } from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from '../apps/api/test/helpers';
import { startProbe } from '../apps/worker/src/probe/probe';
import { Spool } from '../apps/worker/src/probe/spool';
import type { WireResult } from '../apps/worker/src/probe/wire';
import { buildProbeFile, startProbeProcess } from './support/probes';
import { waitFor } from './support/wait';

/**
 * The probe (its client, slot runner, sender and spool, in this process) against the real gateway:
 * the API built in-process as its own tests build it, listening on loopback.
 */
const logger = createLogger('probe-client-test', 'silent');
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let gateway: URL;
let owner: Session;
let targetUrl = '';
const targetRegions: string[] = [];
let closeTarget: () => Promise<void> = async () => {};
let redis: Redis;
const queues: Queue[] = [];
const spools: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { env: { ALLOW_PRIVATE_TARGETS: 'false' }, probes: { pollWaitMs: 2_000 } });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  gateway = new URL(`http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`);
  owner = await signupUser(api.app, 'Probe client');
  redis = createRedis(testRedisUrl());
  const server = createServer((req, res) => {
    targetRegions.push(/region=([a-z0-9-]+)/.exec(req.headers['user-agent'] ?? '')?.[1] ?? '');
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  closeTarget = () => new Promise((done) => server.close(() => done()));
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await redis?.quit();
  await api?.app.close();
  await closeTarget();
  await testDb?.drop();
  await Promise.all(spools.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'probe-client-spool-'));
  spools.push(dir);
  return dir;
}

async function location() {
  const loc = (
    await client(api.app, owner.token).post('/v1/locations', { name: 'Rack', allowPrivateTargets: true })
  ).json() as {
    id: string;
    region: string;
  };
  const probe = (
    await client(api.app, owner.token).post(`/v1/locations/${loc.id}/probes`, { name: 'rack-1' })
  ).json() as {
    id: string;
    token: string;
  };
  return { ...loc, probeId: probe.id, token: probe.token };
}

async function monitorIn(region: string) {
  const res = await client(api.app, owner.token).post(
    '/v1/monitors',
    httpMonitor({ url: targetUrl, regions: [region] }),
  );
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const row = await testDb.db
    .selectFrom('monitors')
    .select(['config', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, config: row.config as StoredMonitorConfig, version: row.updated_at.getTime() };
}

async function queueSlot(
  region: string,
  monitor: Awaited<ReturnType<typeof monitorIn>>,
  scheduledAtMs: number,
) {
  const queue = new Queue(checkQueueName(region), {
    connection: redis,
    prefix: api.config.QUEUE_PREFIX,
  });
  queues.push(queue);
  const data: CheckBatchJob = {
    shard: 0,
    region,
    kind: 'scheduled',
    checks: [
      {
        spec: toCheckSpec(owner.orgId, monitor.id, monitor.config, monitor.version),
        scheduledAtMs,
        configVersion: monitor.version,
      },
    ],
  };
  await queue.add(CHECK_BATCH_JOB, data, {
    ...jobPolicies.check,
    jobId: `probe-client-${region}-${scheduledAtMs}`,
  });
}

const resultsOf = (monitorId: string) =>
  testDb.db
    .selectFrom('check_results')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .orderBy('scheduled_at')
    .execute();

const options = async (token: string) => ({
  gateway,
  token,
  spoolDir: await spoolDir(),
  spoolMaxMib: 4,
  concurrency: 8,
});

describe('the probe against the real gateway', () => {
  it("runs a handed-over slot at its time in its location's region and its result is written once, region stamped by the gateway", async () => {
    const loc = await location();
    const monitor = await monitorIn(loc.region);
    const probe = await startProbe({ options: await options(loc.token), logger });
    try {
      expect(probe.session).toMatchObject({
        region: loc.region,
        allowPrivateTargets: true,
        organizationId: owner.orgId,
      });
      const slot = Date.now() + 500;
      await queueSlot(loc.region, monitor, slot);
      const [row] = await waitFor(
        'the result',
        async () => {
          const rows = await resultsOf(monitor.id);
          return rows.length > 0 && rows;
        },
        { timeoutMs: 15_000 },
      );
      expect(row).toMatchObject({
        region: loc.region,
        org_id: owner.orgId,
        ok: true,
        status_code: 200,
        kind: 'scheduled',
      });
      expect(row?.scheduled_at.getTime()).toBe(slot);
      // Run at its planned time, not when it was handed over.
      expect(row?.checked_at.getTime()).toBeGreaterThanOrEqual(slot);
      expect(targetRegions).toContain(loc.region);
      // The row is written before the gateway's answer reaches the probe: wait for that answer.
      await waitFor('the delivery to be counted', () => probe.delivery.delivered === 1 && probe.held === 0, {
        timeoutMs: 5_000,
      });
      expect(probe.delivery).toMatchObject({ delivered: 1, duplicates: 0, refused: 0 });
    } finally {
      await probe.close();
    }
    expect(await probe.ended).toBe('stopped');
  }, 30_000);

  it('delivers results held in its spool by an earlier run, in order, and a batch sent twice is written once', async () => {
    const loc = await location();
    const monitor = await monitorIn(loc.region);
    const dir = await spoolDir();
    const base = Date.now() - 60_000;
    const held: WireResult[] = [0, 1, 2].map((i) => ({
      monitorId: monitor.id,
      scheduledAt: new Date(base + i * 1_000).toISOString(),
      checkedAt: new Date(base + i * 1_000 + 3).toISOString(),
      kind: 'scheduled',
      attempt: 0,
      ok: true,
      statusCode: 200,
      latencyMs: 10,
      phases: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 8, transferMs: 1 },
      certExpiresAt: null,
      error: null,
      failedAssertions: [],
    }));
    for (const copy of [held, held]) {
      const earlier = await Spool.open<WireResult>({ dir, maxBytes: 1 << 20, logger });
      await earlier.append(copy);
      await earlier.close();
    }
    const probe = await startProbe({ options: { ...(await options(loc.token)), spoolDir: dir }, logger });
    try {
      await waitFor(
        'the held results delivered',
        () => probe.held === 0 && probe.delivery.delivered + probe.delivery.duplicates === 6,
        {
          timeoutMs: 10_000,
        },
      );
      expect(probe.delivery).toMatchObject({ delivered: 3, duplicates: 3, refused: 0 });
      const rows = await resultsOf(monitor.id);
      expect(rows.map((r) => r.scheduled_at.getTime())).toEqual([base, base + 1_000, base + 2_000]);
      expect((await readdir(dir)).filter((f) => f.startsWith('seg-'))).toEqual([]);
    } finally {
      await probe.close();
    }
  }, 30_000);

  it('stops at once, saying so, when its token is revoked while a poll is held open', async () => {
    const loc = await location();
    const probe = await startProbe({ options: await options(loc.token), logger });
    // A poll is in flight once the gateway recorded the version it carries (it then holds it open).
    await waitFor(
      'a poll in flight',
      async () => {
        const row = await testDb.db
          .selectFrom('probes')
          .select('version')
          .where('id', '=', loc.probeId)
          .executeTakeFirst();
        return row?.version != null;
      },
      { timeoutMs: 10_000 },
    );
    const revokedAt = Date.now();
    const res = await client(api.app, owner.token).delete(`/v1/locations/${loc.id}/probes/${loc.probeId}`);
    expect(res.statusCode).toBeLessThan(300);
    expect(await probe.ended).toBe('token-refused');
    expect(Date.now() - revokedAt).toBeLessThan(1_500);
  }, 30_000);

  it('refuses to start with a token the gateway does not know', async () => {
    const probe = await startProbe({ options: await options(`smp_${'q'.repeat(43)}`), logger });
    expect(await probe.ended).toBe('token-refused');
    expect(probe.session).toBeNull();
  }, 30_000);
});

describe('the single file, node probe.js', () => {
  let file: string;
  beforeAll(async () => {
    file = await buildProbeFile();
  }, 60_000);

  it('exits 1 naming the missing setting, 2 when the gateway refuses the token', async () => {
    const missing = startProbeProcess(file, gateway.href, '');
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('--token (PROBE_TOKEN)');
    const unknown = startProbeProcess(file, gateway.href, `smp_${'z'.repeat(43)}`);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('refused this probe token');
    expect(unknown.output()).not.toContain('z'.repeat(43));
  }, 30_000);

  it('runs its slots through the gateway and stops cleanly on SIGTERM', async () => {
    const loc = await location();
    const monitor = await monitorIn(loc.region);
    const probe = startProbeProcess(file, gateway.href, loc.token);
    await waitFor('the session', () => probe.output().includes('session open'), { timeoutMs: 15_000 });
    await queueSlot(loc.region, monitor, Date.now() + 200);
    await waitFor('the result', async () => (await resultsOf(monitor.id)).length === 1, {
      timeoutMs: 15_000,
    });
    probe.child.kill('SIGTERM');
    expect(await probe.exited).toBe(0);
    expect(probe.output()).toContain('probe stopped');
    expect(probe.output()).not.toContain(loc.token);
  }, 40_000);

  it('reaches its gateway only through the proxy HTTP_PROXY names, and runs its slots', async () => {
    // An ordinary forward proxy: CONNECT tunnels, and absolute-URL requests, each noted.
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(`GET ${req.url}`);
      res.writeHead(502).end();
    });
    proxy.on('connect', (req, client, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host = '', port = ''] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const loc = await location();
      const monitor = await monitorIn(loc.region);
      const probe = startProbeProcess(file, gateway.href, loc.token, {
        env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '' },
      });
      await waitFor('the session', () => probe.output().includes('session open'), { timeoutMs: 15_000 });
      await queueSlot(loc.region, monitor, Date.now() + 200);
      await waitFor('the result', async () => (await resultsOf(monitor.id)).length === 1, {
        timeoutMs: 15_000,
      });
      probe.child.kill('SIGTERM');
      expect(await probe.exited).toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([`CONNECT ${gateway.host}`]));
    } finally {
      proxy.closeAllConnections();
      await new Promise((done) => proxy.close(done));
    }
  }, 40_000);
});
