import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CheckJob,
  type CheckSpec,
  checkQueueName,
  jobPolicies,
  type StoredMonitorConfig,
  splitSecrets,
  toCheckSpec,
  VERIFY_QUEUE,
  type VerifyJob,
} from '@sentinelmesh/core';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { createWorkerMetrics } from '../src/metrics';
import { createSecretSource } from '../src/monitor-secrets';
import { ResultWriter } from '../src/result-writer';
import { addPokes, type VerifyPoke } from '../src/verify-pokes';
import { startCheckWorker } from '../src/worker';
import { context, waitFor } from './helpers';

const logger = createLogger('worker-secrets-test', 'silent');
const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
const REGION = 'local';

let t: TestDatabase;
let redis: Redis;
let prefix: string;
let checks: Queue<CheckJob>;
let verify: Queue<VerifyJob>;
let worker: Worker;
let writer: ResultWriter<VerifyPoke>;
let orgId: string;
let server: Server;
let base: string;
let other: Server;
let otherBase: string;
const seen = new Map<string, IncomingHttpHeaders>();
const secrets = () => createSecretSource({ db: t.db, box, logger });
let source: ReturnType<typeof secrets>;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  prefix = uniqueQueuePrefix();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.set(url.pathname, req.headers);
    if (url.pathname === '/hop') {
      res.writeHead(302, { location: `${otherBase}/landed` }).end();
      return;
    }
    // `/echo` answers with the credential it got, as a careless target might in an error page.
    const body = url.pathname === '/echo' ? `denied for ${req.headers.authorization}` : 'ok';
    res.writeHead(url.pathname === '/echo' ? 403 : 200, { 'content-type': 'text/plain' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  other = createServer((req, res) => {
    seen.set(`other${req.url}`, req.headers);
    res.writeHead(200).end('ok');
  });
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const org = await t.db
    .insertInto('organizations')
    .values({ name: 'Acme', slug: `acme-${prefix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  checks = new Queue(checkQueueName(REGION), { connection: redis, prefix });
  verify = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const metrics = createWorkerMetrics(new Registry());
  writer = new ResultWriter<VerifyPoke>({ db: t.db, logger, afterInsert: addPokes(verify) });
  source = secrets();
  worker = startCheckWorker({
    region: REGION,
    context,
    runCheck,
    secrets: source,
    writer,
    metrics,
    logger,
    connection: redis,
    prefix,
    concurrency: 4,
  });
});

afterAll(async () => {
  await worker?.close();
  await writer?.close();
  await Promise.all([checks?.close(), verify?.close()]);
  for (const s of [server, other]) {
    s?.closeAllConnections();
    s?.close();
  }
  await redis?.quit();
  await t?.drop();
});

function config(path: string, authorization: string): StoredMonitorConfig {
  return {
    type: 'http',
    name: 'private API',
    url: `${base}${path}?token=query-secret-1`,
    method: 'GET',
    headers: { Authorization: authorization, accept: 'text/plain' },
    body: null,
    followRedirects: true,
    intervalSeconds: 10,
    timeoutMs: 2000,
    assertions: [{ source: 'status', op: 'eq', value: 200 }],
    regions: [REGION],
    failureThreshold: 2,
    recoveryThreshold: 2,
    retryIntervalSeconds: 5,
    tags: [],
    paused: false,
  };
}

/** A monitor stored as the API stores it: masks in the config, the values sealed. */
async function storeMonitor(real: StoredMonitorConfig): Promise<{ id: string; spec: CheckSpec }> {
  const parts = splitSecrets(real);
  const updatedAt = new Date();
  const id = await insertMonitor(t.db, orgId, {
    config: parts.config,
    secrets: parts.secrets ? box.seal(parts.secrets) : null,
    secretsUnsealed: false,
    updatedAt,
  });
  return { id, spec: toCheckSpec(orgId, id, parts.config, updatedAt.getTime()) };
}

let slot = Date.UTC(2031, 0, 1);
async function check(spec: CheckSpec) {
  slot += 10_000;
  const scheduledAtMs = slot;
  await checks.add(
    'check',
    { spec, scheduledAtMs, region: REGION, kind: 'scheduled', attempt: 0 },
    jobPolicies.check,
  );
  return waitFor('the result row', () =>
    t.db
      .selectFrom('check_results')
      .selectAll()
      .where('monitor_id', '=', spec.id)
      .where('scheduled_at', '=', new Date(scheduledAtMs))
      .executeTakeFirst(),
  );
}

describe('worker and monitor secrets', () => {
  it('sends the real Authorization header and URL token though the job carries only masks', async () => {
    const { spec } = await storeMonitor(config('/private', 'Bearer real-header-secret'));
    expect(JSON.stringify(spec)).not.toContain('real-header-secret');
    const row = await check(spec);
    expect(row).toMatchObject({ ok: true, status_code: 200 });
    expect(seen.get('/private')).toMatchObject({
      authorization: 'Bearer real-header-secret',
      accept: 'text/plain',
    });
  });

  it('reads a monitor’s secrets once per version: a cache hit costs no query, a newer version reads again', async () => {
    const { id, spec } = await storeMonitor(config('/cached', 'Bearer first-value'));
    await check(spec);
    expect(seen.get('/cached')?.authorization).toBe('Bearer first-value');

    // Changed behind the cache's back, same version: the worker keeps using what it read.
    const changed = splitSecrets(config('/cached', 'Bearer second-value'));
    await t.db
      .updateTable('monitors')
      .set({ secrets: box.seal(changed.secrets) })
      .where('id', '=', id)
      .execute();
    await check(spec);
    expect(seen.get('/cached')?.authorization).toBe('Bearer first-value');

    const bumped = await t.db
      .updateTable('monitors')
      .set({ updated_at: new Date(Date.now() + 1000) })
      .where('id', '=', id)
      .returning('updated_at')
      .executeTakeFirstOrThrow();
    await check({ ...spec, secretsVersion: bumped.updated_at.getTime() });
    expect(seen.get('/cached')?.authorization).toBe('Bearer second-value');
  });

  it('records no secret that a target echoes back in its answer', async () => {
    const { spec } = await storeMonitor(config('/echo', 'Bearer echoed-secret-9'));
    const row = await check({ ...spec, assertions: [{ source: 'body', op: 'eq', value: 'welcome' }] });
    expect(row.ok).toBe(false);
    expect(seen.get('/echo')?.authorization).toBe('Bearer echoed-secret-9');
    expect(JSON.stringify([row.error_message, row.failed_assertions])).not.toContain('echoed-secret-9');
  });

  it('hands no secret header to another origin on a redirect', async () => {
    const spec = {
      ...toCheckSpec(orgId, '00000000-0000-4000-8000-000000000009', config('/hop', 'Bearer stays-home')),
      url: `${base}/hop`,
      headers: { Authorization: 'Bearer stays-home', 'X-Api-Key': 'stays-home-too', accept: 'text/plain' },
    };
    expect((await runCheck(spec, context)).ok).toBe(true);
    const landed = seen.get('other/landed');
    expect(landed).toMatchObject({ accept: 'text/plain' });
    expect(landed).not.toHaveProperty('authorization');
    expect(landed).not.toHaveProperty('x-api-key');
  });

  it('fails the check as internal, sending nothing, when no worker key can fill the masks', async () => {
    const { spec } = await storeMonitor(config('/unfilled', 'Bearer never-sent'));
    const other = createSecretSource({
      db: t.db,
      box: new SecretBox(Buffer.alloc(32, 1).toString('base64')),
      logger,
    });
    expect(await other.reveal(spec)).toEqual({
      ok: false,
      message: "the monitor's stored secrets cannot be opened",
    });
    expect(seen.has('/unfilled')).toBe(false);
  });
});
