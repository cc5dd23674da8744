import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  fastHttpMonitor,
  type Listening,
  type ReceivedRequest,
  startReceiver,
} from '../support/http-fixtures';
import {
  addProbeRegion,
  buildProbeFile,
  type ProbeProcess,
  revokeWithCli,
  startProbeProcess,
  startRelay,
} from '../support/probes';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * Issue 17 end to end: two probes as real processes (the single file) on loopback serve the regions
 * `probe-a` and `probe-b` beside the launcher's worker region `local`, through the API's gateway.
 * Each probe reaches the gateway through a TCP relay the test can cut.
 */
const REGIONS = ['local', 'probe-a', 'probe-b'] as const;
type Region = (typeof REGIONS)[number];

/** A target that fails for the regions the test names: each check's User-Agent says its region. */
async function startRegionTarget(): Promise<Listening & { failFor: (regions: Region[]) => void }> {
  let failing = new Set<string>();
  const server = createServer((req, res) => {
    const region = /region=([a-z0-9-]+)/.exec(req.headers['user-agent'] ?? '')?.[1] ?? '';
    const status = failing.has(region) ? 503 : 200;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failFor: (regions) => (failing = new Set(regions)),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

let db: TestDatabase;
let stack: TestStack;
let target: Awaited<ReturnType<typeof startRegionTarget>>;
let receiver: Listening & { received: ReceivedRequest[] };
let probeFile: string;
let token: string;
const probes = new Map<string, ProbeProcess>();
const relays = new Map<string, Awaited<ReturnType<typeof startRelay>>>();
const tokens = new Map<string, { token: string; probeId: string }>();
const queuePrefix = uniqueQueuePrefix();

async function call<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const events = () => receiver.received.map((r) => String(r.body.event));

async function resultsOf(monitorId: string, region: string, from: Date, to = new Date(8.64e15)) {
  const { rows } = await sql<{ scheduled_at: Date; ok: boolean }>`
    SELECT scheduled_at, ok FROM check_results
    WHERE monitor_id = ${monitorId} AND region = ${region} AND kind = 'scheduled'
      AND scheduled_at >= ${from} AND scheduled_at < ${to}
    ORDER BY scheduled_at`.execute(db.db);
  return rows;
}

async function regionEvents(region: string): Promise<string[]> {
  const { rows } = await sql<{ event: string }>`
    SELECT event FROM region_notices WHERE region = ${region} ORDER BY created_at`.execute(db.db);
  return rows.map((r) => r.event);
}

beforeAll(async () => {
  db = await createTestDatabase();
  [probeFile, target, receiver] = await Promise.all([buildProbeFile(), startRegionTarget(), startReceiver()]);
  for (const region of ['probe-a', 'probe-b']) tokens.set(region, await addProbeRegion(db.db, region));
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'local',
    // A region silent for 2 intervals + timeout + 5 s is degraded: the 30 s cut shows it.
    // The queue prefix is the test's: the regions CLI announces a revocation under it.
    env: { RESULT_LATENESS_MS: '5000', QUEUE_PREFIX: queuePrefix },
  });
  const apiPort = Number(new URL(stack.api).port);
  for (const region of ['probe-a', 'probe-b']) {
    const relay = await startRelay({ host: '127.0.0.1', port: apiPort });
    relays.set(region, relay);
    probes.set(region, startProbeProcess(probeFile, relay.url(), tokens.get(region)?.token as string));
  }
  const signup = await fetch(`${stack.api}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'probes@example.com',
      password: 'correct horse battery',
      organizationName: 'Probes',
    }),
  });
  token = ((await signup.json()) as { accessToken: string }).accessToken;
}, 180_000);

afterAll(async () => {
  for (const probe of probes.values()) probe.child.kill('SIGTERM');
  await Promise.all([...probes.values()].map((p) => p.exited));
  await stack?.stop();
  await Promise.all([target?.close(), receiver?.close(), ...[...relays.values()].map((r) => r.close())]);
  await db?.drop();
}, 60_000);

beforeEach(() => {
  onTestFailed(async () => {
    for (const [region, probe] of probes) console.error(`${region} output:\n${probe.output().slice(-4000)}`);
    console.error(`stack output:\n${stack.output().slice(-6000)}`);
    const { rows } = await sql<{ region: string; kind: string; ok: boolean; n: number; last: Date }>`
      SELECT region, kind, ok, count(*)::int AS n, max(scheduled_at) AS last FROM check_results
      GROUP BY region, kind, ok ORDER BY region, kind, ok`.execute(db.db);
    console.error('results by region:', rows);
    const states = await sql`SELECT * FROM monitor_state`
      .execute(db.db)
      .catch((e) => ({ rows: [String(e)] }));
    console.error('monitor states:', states.rows);
  });
});

describe('probes as regions, end to end', () => {
  let monitorId: string;
  const status = async () =>
    (await call<{ state: { status: string } }>('GET', `/v1/monitors/${monitorId}`)).state.status;

  it('decides with the probe regions in the quorum: one region failing is not an outage, the two probe regions failing is, alerted once', async () => {
    const channel = await call<{ id: string }>('POST', '/v1/channels', {
      type: 'webhook',
      name: 'probe receiver',
      config: { url: `${receiver.url}/hook`, secret: 'probe-e2e-secret-0123456789' },
    });
    const monitor = await call<{ id: string }>('POST', '/v1/monitors', {
      ...fastHttpMonitor(target.url, [channel.id]),
      regions: [...REGIONS],
    });
    monitorId = monitor.id;
    await waitFor('the monitor to be up', async () => (await status()) === 'up', { timeoutMs: 30_000 });
    const started = new Date();
    for (const region of REGIONS)
      await waitFor(
        `results from ${region}`,
        async () => (await resultsOf(monitorId, region, started)).length >= 2,
        {
          timeoutMs: 20_000,
        },
      );

    // The worker region alone fails: a probe problem, not an outage.
    target.failFor(['local']);
    const aloneFrom = new Date();
    await waitFor(
      'four failed slots from local alone',
      async () => {
        const rows = await resultsOf(monitorId, 'local', aloneFrom);
        return rows.filter((r) => !r.ok).length >= 4;
      },
      { timeoutMs: 30_000 },
    );
    expect(await status()).toBe('up');
    expect(events()).toEqual([]);

    // Seen by both probe regions: the quorum (2 of 3) fails.
    target.failFor(['probe-a', 'probe-b']);
    await waitFor('a down alert', () => events().includes('monitor.down'), { timeoutMs: 30_000 });
    expect(await status()).toBe('down');
    target.failFor([]);
    await waitFor('an up alert', () => events().includes('monitor.up'), { timeoutMs: 30_000 });
    const upAt = new Date();
    await waitFor(
      'three healthy slots after',
      async () => (await resultsOf(monitorId, 'probe-a', upAt)).length >= 3,
      {
        timeoutMs: 30_000,
      },
    );
    expect(events()).toEqual(['monitor.down', 'monitor.up']);
  }, 240_000);

  it('a probe cut from its gateway for 30 s delivers what it held, none lost or duplicated; its region is degraded, then restored', async () => {
    const relay = relays.get('probe-a');
    if (!relay) throw new Error('no relay');
    const before = new Date();
    await waitFor(
      'probe-a reporting',
      async () => (await resultsOf(monitorId, 'probe-a', before)).length >= 1,
      {
        timeoutMs: 20_000,
      },
    );
    const cutAt = new Date();
    await relay.cut();
    await waitFor(
      'probe-a declared degraded',
      async () => (await regionEvents('probe-a')).includes('region.degraded'),
      {
        timeoutMs: 30_000,
      },
    );
    // The worker region and probe-b go on: the monitor stays up without probe-a.
    expect(await status()).toBe('up');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt.getTime() + 30_000 - Date.now())));
    await relay.restore();
    const restoredAt = new Date();
    await waitFor(
      'probe-a restored',
      async () => (await regionEvents('probe-a')).at(-1) === 'region.restored',
      {
        timeoutMs: 60_000,
      },
    );
    // Every 2 s slot from before the cut to after it has exactly one result from probe-a.
    await waitFor(
      'probe-a results past the cut',
      async () => (await resultsOf(monitorId, 'probe-a', restoredAt)).length >= 2,
      {
        timeoutMs: 30_000,
      },
    );
    const rows = await resultsOf(monitorId, 'probe-a', before, restoredAt);
    const slots = rows.map((r) => r.scheduled_at.getTime());
    expect(new Set(slots).size).toBe(slots.length);
    for (let i = 1; i < slots.length; i++)
      expect((slots[i] as number) - (slots[i - 1] as number)).toBe(2_000);
    expect(slots[0]).toBeLessThanOrEqual(cutAt.getTime());
    expect(slots.at(-1)).toBeGreaterThanOrEqual(cutAt.getTime() + 30_000 - 2_000);
    // What the probe reported with its polls since: nothing held back, nothing dropped.
    await waitFor(
      'probe-a to report an empty spool',
      async () => {
        const row = await db.db
          .selectFrom('probes as p')
          .innerJoin('probe_regions as r', 'r.id', 'p.region_id')
          .select(['p.held_results', 'p.dropped_results'])
          .where('r.name', '=', 'probe-a')
          .executeTakeFirst();
        return row?.held_results === 0 && Number(row.dropped_results) === 0;
      },
      { timeoutMs: 30_000 },
    );
    expect(probes.get('probe-a')?.output()).toContain('cannot poll the gateway');
    expect(probes.get('probe-a')?.child.exitCode).toBeNull();
  }, 180_000);

  it('refuses a revoked token at once: the poll in flight answers 401 and the probe stops', async () => {
    const probe = probes.get('probe-b');
    const issued = tokens.get('probe-b');
    if (!probe || !issued) throw new Error('no probe-b');
    const exitedAt = probe.exited.then((code) => ({ code, at: Date.now() }));
    await revokeWithCli(
      { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: queuePrefix },
      issued.probeId,
    );
    const revokedAt = Date.now();
    // The poll it held open ends on the CLI's announcement: the probe stops with its own exit status.
    const exited = await exitedAt;
    expect(exited.code).toBe(2);
    expect(exited.at - revokedAt).toBeLessThan(3_000);
    expect(probe.output()).toContain('refused this probe token');
    expect(probe.output()).not.toContain(issued.token);
    const session = await fetch(`${stack.api}/v1/probe/session`, {
      headers: { authorization: `Bearer ${issued.token}` },
    });
    expect(session.status).toBe(401);
    expect(session.headers.get('content-type')).toContain('application/problem+json');
  }, 60_000);
});
