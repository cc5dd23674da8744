import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  type CheckJob,
  checkQueueName,
  jobPolicies,
  type StoredMonitorConfig,
  toCheckSpec,
  VERIFY_QUEUE,
  type VerifyJob,
} from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
import { type TestDatabase, testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { createLogger, createRedis } from '@sentinelmesh/platform';
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../worker/src/checks/index';
import { createHeartbeatReader } from '../../worker/src/heartbeat-reader';
import { createWorkerMetrics } from '../../worker/src/metrics';
import { ResultWriter } from '../../worker/src/result-writer';
import { addPokes, type VerifyPoke } from '../../worker/src/verify-pokes';
import { startCheckWorker } from '../../worker/src/worker';
import { type DnsServer, startDnsServer } from '../../worker/test/dns-server';
import {
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

// From a stored monitor, through a real worker engine and Postgres, to GET /v1/monitors/:id/results.

let t: TestDatabase;
let api: TestApi;
let session: Session;
let workerDb: Db;
let redis: Redis;
let checks: Queue<CheckJob>;
let verify: Queue<VerifyJob>;
let worker: Worker;
let writer: ResultWriter<VerifyPoke>;
let http: Server;
let https: Server;
let dns: DnsServer;
let refusedPort: number;
/** The worker's clock runs this far ahead of real time (heartbeat silence must not depend on it). */
let clockOffsetMs = 0;

const fixture = (name: string) =>
  readFileSync(new URL(`../../worker/test/fixtures/${name}`, import.meta.url));

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const prefix = uniqueQueuePrefix();
  api = await startApi(t, { prefix, env: { ALLOW_PRIVATE_TARGETS: 'true' } });
  session = await signupUser(api.app);
  workerDb = createDb({ connectionString: t.url, max: 3 });
  redis = createRedis(testRedisUrl());
  checks = new Queue(checkQueueName('local'), { connection: redis, prefix });
  verify = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const logger = createLogger('check-errors-test', 'silent');
  writer = new ResultWriter<VerifyPoke>({ db: workerDb, logger, afterInsert: addPokes(verify) });
  worker = startCheckWorker({
    region: 'local',
    context: {
      region: 'local',
      userAgent: 'SentinelMesh/test (+region=local)',
      allowPrivateTargets: true,
      now: () => new Date(Date.now() + clockOffsetMs),
      heartbeats: createHeartbeatReader(workerDb),
    },
    runCheck,
    writer,
    metrics: createWorkerMetrics(new Registry()),
    logger,
    connection: redis,
    prefix,
    concurrency: 5,
  });
  http = createHttpServer((req, res) => {
    if (req.url === '/fail') res.writeHead(503).end('down for maintenance');
    else if (req.url === '/slow') return;
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"db":{"status":"up"}}');
  });
  https = createHttpsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (_q, s) =>
    s.end('ok'),
  );
  const closed = createHttpServer();
  refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  await listen(http);
  await listen(https);
  dns = await startDnsServer({ 'app.test': { A: ['192.0.2.10'] } });
});

afterAll(async () => {
  await worker?.close();
  await writer?.close();
  await Promise.all([checks?.close(), verify?.close()]);
  await redis?.quit();
  http?.closeAllConnections();
  http?.close();
  https?.close();
  await dns?.close();
  await workerDb?.destroy();
  await api?.app.close();
  await t?.drop();
});

const port = (server: Server) => (server.address() as AddressInfo).port;
let slot = Date.UTC(2031, 0, 1);

/** Creates a monitor through the API; returns its id and what the API answered. */
async function createMonitor(body: Record<string, unknown>) {
  const res = await client(api.app, session.token).post('/v1/monitors', { name: 'target', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; heartbeatToken?: string; [key: string]: unknown };
}

/** Runs one check of the stored monitor (as the scheduler would enqueue it) and returns its result from the API. */
async function checkAndRead(id: string) {
  const row = await t.db
    .selectFrom('monitors')
    .select('config')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  slot += 60_000;
  const spec = toCheckSpec(session.orgId, id, row.config as StoredMonitorConfig);
  const scheduledAtMs = slot;
  await checks.add(
    'check',
    { spec, scheduledAtMs, region: 'local', kind: 'scheduled', attempt: 0 },
    { ...jobPolicies.check, jobId: `t-${id}-${scheduledAtMs}` },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await client(api.app, session.token).get(`/v1/monitors/${id}/results`);
    expect(res.statusCode, res.body).toBe(200);
    const found = (res.json().items as Array<{ scheduledAt: string }>).find(
      (item) => item.scheduledAt === new Date(scheduledAtMs).toISOString(),
    );
    if (found)
      return found as unknown as Record<string, unknown> & {
        error: { kind: string; message: string } | null;
      };
    if (Date.now() > deadline) throw new Error(`no result for ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('failed checks reach the results endpoint with their error kind', () => {
  it.each<[string, () => Record<string, unknown>, string, RegExp]>([
    [
      'an HTTP 5xx',
      () => ({ type: 'http', url: `http://127.0.0.1:${port(http)}/fail` }),
      'http_status',
      /503/,
    ],
    [
      'a timeout',
      () => ({
        type: 'http',
        url: `http://127.0.0.1:${port(http)}/slow`,
        timeoutMs: 300,
        intervalSeconds: 5,
      }),
      'timeout',
      /300 ms/,
    ],
    [
      'a refused port',
      () => ({ type: 'http', url: `http://127.0.0.1:${refusedPort}/` }),
      'connect',
      /refused/,
    ],
    ['an unresolvable name', () => ({ type: 'http', url: 'http://no-such-host.invalid/' }), 'dns', /resolve/],
    [
      'a self-signed certificate',
      () => ({ type: 'http', url: `https://localhost:${port(https)}/` }),
      'tls',
      /self[- ]signed/i,
    ],
    [
      'a failed JSON assertion',
      () => ({
        type: 'http',
        url: `http://127.0.0.1:${port(http)}/`,
        assertions: [{ source: 'json', path: '$.db.status', op: 'eq', value: 'down' }],
      }),
      'assertion',
      /\$\.db\.status/,
    ],
    [
      'a refused TCP port',
      () => ({ type: 'tcp', host: '127.0.0.1', port: refusedPort }),
      'connect',
      /refused/,
    ],
    [
      'an untrusted TLS certificate',
      () => ({ type: 'tls', host: '127.0.0.1', port: port(https), servername: 'localhost' }),
      'tls',
      /not trusted/,
    ],
    [
      'a DNS answer without the expected address',
      () => ({ type: 'dns', host: 'app.test', resolver: dns.address, expectedValues: ['192.0.2.99'] }),
      'assertion',
      /192\.0\.2\.99/,
    ],
  ])('%s', async (_name, body, kind, message) => {
    const monitor = await createMonitor(body());
    const result = await checkAndRead(monitor.id);
    expect(result).toMatchObject({ ok: false, region: 'local', kind: 'scheduled', error: { kind } });
    expect(result.error?.message).toMatch(message);
  });

  it('names each failed assertion in the result', async () => {
    const monitor = await createMonitor({
      type: 'http',
      url: `http://127.0.0.1:${port(http)}/`,
      assertions: [
        { source: 'status', op: 'eq', value: 200 },
        { source: 'json', path: '$.db.status', op: 'eq', value: 'down' },
        { source: 'header', path: 'content-type', op: 'contains', value: 'xml' },
      ],
    });
    const result = await checkAndRead(monitor.id);
    expect(result.failedAssertions).toEqual([
      { source: 'json', path: '$.db.status', op: 'eq', expected: 'down', actual: 'up' },
      { source: 'header', path: 'content-type', op: 'contains', expected: 'xml', actual: 'application/json' },
    ]);
  });

  it.each<[string, () => Record<string, unknown>]>([
    ['TCP', () => ({ type: 'tcp', host: '127.0.0.1', port: port(http) })],
    ['DNS', () => ({ type: 'dns', host: 'app.test', resolver: dns.address, expectedValues: ['192.0.2.10'] })],
    ['HTTP with full phase timings', () => ({ type: 'http', url: `http://127.0.0.1:${port(http)}/` })],
  ])('a healthy %s monitor gives an ok result', async (_name, body) => {
    const monitor = await createMonitor(body());
    const result = await checkAndRead(monitor.id);
    expect(result).toMatchObject({ ok: true, error: null, failedAssertions: [], details: [] });
    expect((result.phases as Record<string, number | null>).connectMs ?? 0).toBeGreaterThanOrEqual(0);
  });
});

describe('heartbeat monitors', () => {
  it('are up after a ping, down after a reported failure, and down again after silence', async () => {
    const monitor = await createMonitor({ type: 'heartbeat', periodSeconds: 60, graceSeconds: 30 });
    expect(monitor.heartbeatToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ping = (method: 'GET' | 'POST', query = '', payload?: string) =>
      api.app.inject({
        method,
        url: `/v1/heartbeats/${monitor.heartbeatToken}${query}`,
        ...(payload ? { payload, headers: { 'content-type': 'text/plain' } } : {}),
      });

    const ok = await ping('GET');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ received: true, status: 'ok' });
    expect(await checkAndRead(monitor.id)).toMatchObject({ ok: true, error: null });

    expect((await ping('POST', '?status=fail', 'disk full')).statusCode).toBe(200);
    const failed = await checkAndRead(monitor.id);
    expect(failed).toMatchObject({ ok: false, error: { kind: 'assertion' } });
    expect(failed.error?.message).toContain('disk full');

    expect((await ping('POST')).statusCode).toBe(200);
    // Silence is judged by the database's clock, which stamped the ping: a worker clock 91 s ahead
    // changes nothing ...
    clockOffsetMs = 91_000;
    try {
      expect(await checkAndRead(monitor.id)).toMatchObject({ ok: true, error: null });
    } finally {
      clockOffsetMs = 0;
    }
    // ... while a ping 91 s old by that clock (of a monitor watched for longer) is silence past period plus grace.
    await sql`UPDATE monitors SET created_at = now() - interval '120 seconds' WHERE id = ${monitor.id}`.execute(
      workerDb,
    );
    await sql`UPDATE heartbeats SET last_ping_at = now() - interval '91 seconds' WHERE monitor_id = ${monitor.id}`.execute(
      workerDb,
    );
    const silent = await checkAndRead(monitor.id);
    expect(silent).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(silent.error?.message).toMatch(/no ping for 9\d s/);
  });

  it('answer 404 for a token that belongs to no monitor, without saying more', async () => {
    for (const token of ['x'.repeat(43), 'short', '../../etc']) {
      const res = await api.app.inject({ method: 'POST', url: `/v1/heartbeats/${token}` });
      expectProblem(res, 404);
    }
  });

  it('keep their token out of check jobs', async () => {
    const monitor = await createMonitor({ type: 'heartbeat', periodSeconds: 60 });
    const row = await t.db
      .selectFrom('monitors')
      .select('config')
      .where('id', '=', monitor.id)
      .executeTakeFirstOrThrow();
    const spec = toCheckSpec(session.orgId, monitor.id, row.config as StoredMonitorConfig);
    expect(JSON.stringify(spec)).not.toContain(String(monitor.heartbeatToken));
  });
});

describe('with private targets refused, the API names the private field', () => {
  let strict: TestApi;
  let owner: Session;
  beforeAll(async () => {
    strict = await startApi(t, { env: { ALLOW_PRIVATE_TARGETS: 'false' } });
    owner = await signupUser(strict.app);
  });
  afterAll(async () => strict?.app.close());

  it.each<[Record<string, unknown>, string]>([
    [{ type: 'http', url: 'http://2130706433/' }, 'url'],
    [{ type: 'http', url: 'http://0x7f.1:8080/health' }, 'url'],
    [{ type: 'http', url: 'http://[::ffff:169.254.169.254]/latest/meta-data' }, 'url'],
    [{ type: 'http', url: 'http://localhost:3000/' }, 'url'],
    [{ type: 'http', url: 'http://10.1.2.3/' }, 'url'],
    [{ type: 'tcp', host: '127.1', port: 22 }, 'host'],
    [{ type: 'tcp', host: '::1', port: 22 }, 'host'],
    [{ type: 'tls', host: 'metadata.google.internal' }, 'host'],
    [{ type: 'dns', host: 'example.com', resolver: '192.168.1.1' }, 'resolver'],
    [{ type: 'dns', host: 'redis' }, 'host'],
    [{ type: 'dns', host: 'kubernetes.default.svc.cluster.local' }, 'host'],
    [{ type: 'dns', host: 'printer.local' }, 'host'],
    [{ type: 'dns', host: 'db.internal' }, 'host'],
    [{ type: 'dns', host: 'api.localhost' }, 'host'],
    [{ type: 'dns', host: '1.0.168.192.in-addr.arpa', recordType: 'PTR' }, 'host'],
    [{ type: 'dns', host: 'printer.local', resolver: '10.0.0.1' }, 'resolver'],
  ])('refuses %j naming %s', async (body, path) => {
    const res = await client(strict.app, owner.token).post('/v1/monitors', { name: 'x', ...body });
    const problem = expectProblem(res, 400);
    expect(problem.errors).toContainEqual({ path, message: expect.stringContaining('public') });
  });

  it('accepts a public DNS name and refuses a patch that makes it internal', async () => {
    const created = await client(strict.app, owner.token).post('/v1/monitors', {
      name: 'x',
      type: 'dns',
      host: 'example.com',
      resolver: '1.1.1.1',
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await client(strict.app, owner.token).patch(`/v1/monitors/${created.json().id}`, {
      host: 'api.default.svc.cluster.local',
    });
    expect(expectProblem(res, 400).errors).toEqual([
      {
        path: 'host',
        message:
          'must be a public name: api.default.svc.cluster.local is an internal name, and this deployment does not allow private targets',
      },
    ]);
  });

  it('accepts a public target and refuses a patch that makes it private', async () => {
    const created = await client(strict.app, owner.token).post('/v1/monitors', {
      name: 'x',
      type: 'http',
      url: 'https://example.com/health',
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await client(strict.app, owner.token).patch(`/v1/monitors/${created.json().id}`, {
      url: 'http://127.0.0.1/',
    });
    expect(expectProblem(res, 400).errors).toContainEqual({
      path: 'url',
      message: expect.stringContaining('loopback'),
    });
  });
});
