import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { buildProbeFile, type ProbeProcess, startProbeProcess } from '../support/probes';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * A private location end to end, on a deployment that blocks private targets (as production does):
 * its probe (the single file, a real process) checks a loopback target the worker region may not
 * reach; its token sees only its organization; revoking it stops the probe at once.
 */
let db: TestDatabase;
let stack: TestStack;
let probeFile: string;
let probe: ProbeProcess | null = null;
let inside: Awaited<ReturnType<typeof countingTarget>>;
let elsewhere: Awaited<ReturnType<typeof countingTarget>>;
let closeTarget: () => Promise<void> = async () => {};

/** A loopback HTTP target that counts the requests it answers. */
async function countingTarget(body: string) {
  const target = { hits: 0, url: '', close: async () => {} };
  const server = createServer((_req, res) => {
    target.hits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  target.close = () => new Promise((done) => server.close(() => done()));
  return target;
}

async function signup(email: string, organizationName: string): Promise<string> {
  const response = await fetch(`${stack.api}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery', organizationName }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function send(bearer: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${stack.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  probeFile = await buildProbeFile();
  [inside, elsewhere] = await Promise.all([countingTarget('inside'), countingTarget('elsewhere')]);
  closeTarget = async () => {
    await Promise.all([inside.close(), elsewhere.close()]);
  };
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'local',
    env: { ALLOW_PRIVATE_TARGETS: 'false' },
  });
}, 180_000);

afterAll(async () => {
  probe?.child.kill('SIGTERM');
  await probe?.exited;
  await stack?.stop();
  await closeTarget();
  await db?.drop();
}, 60_000);

describe('a private location', () => {
  it("checks a loopback target the worker region may not, sees only its organization's monitors, and stops at once when revoked", async () => {
    onTestFailed(() => {
      console.error(`probe output:\n${probe?.output()}\nstack output:\n${stack.output().slice(-6000)}`);
    });
    const owner = await signup('office@example.com', 'Office');
    const location = await send(owner, 'POST', '/v1/locations', {
      name: 'Office rack',
      allowPrivateTargets: true,
    });
    expect(location.status).toBe(201);
    const region = String(location.body.region);
    const created = await send(owner, 'POST', `/v1/locations/${location.body.id}/probes`, { name: 'rack-1' });
    expect(created.status).toBe(201);
    const probeToken = String(created.body.token);
    probe = startProbeProcess(probeFile, stack.api, probeToken);

    const session = await send(probeToken, 'GET', '/v1/probe/session');
    expect(session.body).toMatchObject({ region, allowPrivateTargets: true });

    // The worker region may not reach loopback: the API refuses the monitor there.
    const monitor = { type: 'http', name: 'Inside', url: inside.url, intervalSeconds: 2, timeoutMs: 1000 };
    const refused = await send(owner, 'POST', '/v1/monitors', { ...monitor, regions: ['local'] });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.type).toContain('application/problem+json');
    // The location may: its probe checks it.
    const insideMonitor = await send(owner, 'POST', '/v1/monitors', { ...monitor, regions: [region] });
    expect(insideMonitor.status).toBe(201);
    await waitFor(
      'the probe to check the loopback target',
      async () => {
        const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM check_results WHERE monitor_id = ${insideMonitor.body.id} AND region = ${region} AND ok
      `.execute(db.db);
        return (rows[0]?.n ?? 0) >= 2;
      },
      { timeoutMs: 30_000 },
    );
    expect(inside.hits).toBeGreaterThanOrEqual(2);

    // Another organization can neither use the location nor have the location's probe report for it.
    const other = await signup('elsewhere@example.com', 'Elsewhere');
    const borrowed = await send(other, 'POST', '/v1/monitors', {
      ...monitor,
      url: 'https://example.com/',
      regions: [region],
    });
    expect(borrowed.status).toBeGreaterThanOrEqual(400);
    expect(borrowed.status).toBeLessThan(500);
    const theirs = await send(other, 'POST', '/v1/monitors', {
      ...monitor,
      url: 'https://example.com/',
      regions: ['local'],
    });
    expect(theirs.status).toBe(201);
    const now = new Date().toISOString();
    const forged = await send(probeToken, 'POST', '/v1/probe/results', {
      results: [
        {
          monitorId: theirs.body.id,
          scheduledAt: now,
          checkedAt: now,
          kind: 'scheduled',
          attempt: 0,
          ok: false,
          statusCode: null,
          latencyMs: null,
          phases: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null },
          certExpiresAt: null,
          error: { kind: 'connect', message: 'forged' },
          failedAssertions: [],
        },
      ],
    });
    expect(forged.status).toBe(200);
    expect(forged.body).toMatchObject({ accepted: 0, refused: [{ index: 0 }] });
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM check_results WHERE monitor_id = ${theirs.body.id} AND region = ${region}`.execute(
      db.db,
    );
    expect(rows[0]?.n).toBe(0);

    // Nor can its token fetch their monitors: should one of theirs list the location behind the API's
    // back (written straight to the database), the gateway drops its slots, counting them, and the
    // probe never checks its loopback target.
    await sql`
      UPDATE monitors
      SET config = config || jsonb_build_object('regions', jsonb_build_array('local', ${region}::text),
                                               'url', ${elsewhere.url}::text),
          updated_at = now()
      WHERE id = ${theirs.body.id}`.execute(db.db);
    await waitFor(
      "the gateway to drop the other organization's slots",
      async () => {
        const row = await db.db
          .selectFrom('probes')
          .select('dropped_slots')
          .where('id', '=', String(created.body.id))
          .executeTakeFirst();
        return Number(row?.dropped_slots ?? 0) >= 2;
      },
      { timeoutMs: 30_000 },
    );
    expect(elsewhere.hits).toBe(0);
    const fetched = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM check_results WHERE monitor_id = ${theirs.body.id} AND region = ${region}`.execute(
      db.db,
    );
    expect(fetched.rows[0]?.n).toBe(0);

    // Revoked: the probe's poll in flight answers 401, the probe stops with its own exit status.
    const revokedAt = Date.now();
    const revoke = await send(owner, 'DELETE', `/v1/locations/${location.body.id}/probes/${created.body.id}`);
    expect(revoke.status).toBeLessThan(300);
    expect(await probe.exited).toBe(2);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect(probe.output()).toContain('refused this probe token');
    expect(probe.output()).not.toContain(probeToken);
    const after = await send(probeToken, 'GET', '/v1/probe/session');
    expect(after.status).toBe(401);
    expect(after.type).toContain('application/problem+json');
  }, 180_000);
});
