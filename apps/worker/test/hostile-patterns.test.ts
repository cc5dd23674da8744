import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CheckJob, checkQueueName } from '@sentinelmesh/core';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from '../../../test/support/app-process';
import { httpSpec, waitFor } from './helpers';

/**
 * A pattern that backtracks for hours on `"1"×40 + "!"` in a backtracking engine, run by a real
 * worker process (so a frozen event loop freezes that process, not this test) next to ordinary
 * monitors of another organization in the same region.
 */
const CATASTROPHIC = '^(\\w|\\d)+$';
const HOSTILE_BODY = `${'1'.repeat(40)}!`;
const REGION = 'hostile';
const PERIOD_MS = 200;
const SLOTS = 15;
const HOSTILE_TIMEOUT_MS = 2000;

let t: TestDatabase;
let redis: Redis;
let checks: Queue<CheckJob>;
let target: Server;
let targetPort: number;
let worker: AppProcess;
let victims: Array<{ orgId: string; id: string }>;
let attacker: { orgId: string; id: string };

async function monitorIn(orgId: string): Promise<{ orgId: string; id: string }> {
  return { orgId, id: await insertMonitor(t.db, orgId, { config: { name: 'x' } }) };
}

async function org(slug: string): Promise<string> {
  const row = await t.db
    .insertInto('organizations')
    .values({ name: slug, slug: `${slug}-${uniqueQueuePrefix()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  const prefix = uniqueQueuePrefix();
  checks = new Queue(checkQueueName(REGION), { connection: redis, prefix });
  target = createServer((req, res) => {
    if (req.url === '/hostile') res.writeHead(200, { 'content-type': 'text/plain' }).end(HOSTILE_BODY);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetPort = (target.address() as AddressInfo).port;
  const victimOrg = await org('victim');
  victims = await Promise.all([monitorIn(victimOrg), monitorIn(victimOrg), monitorIn(victimOrg)]);
  attacker = await monitorIn(await org('attacker'));
  worker = startAppProcess('worker', {
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    OPS_PORT: '0',
    QUEUE_PREFIX: prefix,
    REGION,
    ALLOW_PRIVATE_TARGETS: 'true',
    SECRETS_KEY: randomBytes(32).toString('base64'),
  });
  await worker.listeningPort();
}, 60_000);

afterAll(async () => {
  // A worker frozen by a pattern does not answer SIGTERM.
  worker?.child.kill('SIGKILL');
  await checks?.close();
  await redis?.quit();
  target?.closeAllConnections();
  target?.close();
  await t?.drop();
});

/** Enqueues SLOTS slots of each monitor, PERIOD_MS apart, each delayed to its slot time as the scheduler does. */
async function schedule(monitors: Array<{ orgId: string; id: string; path: string; pattern?: string }>) {
  const first = Date.now() + 500;
  const jobs = monitors.flatMap((m) =>
    Array.from({ length: SLOTS }, (_, k) => {
      const scheduledAtMs = first + k * PERIOD_MS;
      const spec = httpSpec(`http://127.0.0.1:${targetPort}${m.path}`, {
        id: m.id,
        orgId: m.orgId,
        timeoutMs: m.pattern ? HOSTILE_TIMEOUT_MS : 1000,
        assertions: m.pattern ? [{ source: 'body', op: 'matches', value: m.pattern }] : [],
      });
      const data: CheckJob = { spec, scheduledAtMs, region: REGION, kind: 'scheduled', attempt: 0 };
      return {
        name: 'check',
        data,
        opts: { jobId: `chk-${m.id}-${scheduledAtMs}-${REGION}`, delay: scheduledAtMs - Date.now() },
      };
    }),
  );
  await checks.addBulk(jobs);
  return { first, last: first + (SLOTS - 1) * PERIOD_MS };
}

/** Start lag (checked_at - scheduled_at) of the victims' results in a window, once all have arrived. */
async function victimLags(window: { first: number; last: number }): Promise<number[]> {
  const expected = victims.length * SLOTS;
  const rows = await waitFor(
    `${expected} victim results`,
    async () => {
      const found = await t.db
        .selectFrom('check_results')
        .select(['scheduled_at', 'checked_at'])
        .where(
          'monitor_id',
          'in',
          victims.map((v) => v.id),
        )
        .where('scheduled_at', '>=', new Date(window.first))
        .where('scheduled_at', '<=', new Date(window.last))
        .execute();
      return found.length === expected ? found : undefined;
    },
    15_000,
  );
  return rows.map((r) => new Date(r.checked_at).getTime() - new Date(r.scheduled_at).getTime());
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
};

describe('a catastrophic pattern against a hostile target', () => {
  it('ends within its timeout while the other monitors of the region stay on schedule', async () => {
    const ordinary = victims.map((v) => ({ ...v, path: '/ok' }));
    // The baseline runs the same monitors with a harmless pattern on the same body, so the two
    // rounds differ only in the pattern. A first round warms the new process up and is not measured.
    const harmless = { ...attacker, path: '/hostile', pattern: '^1+!$' };
    await victimLags(await schedule([...ordinary, harmless]));
    const baseline = p99(await victimLags(await schedule([...ordinary, harmless])));

    const enqueuedAt = Date.now();
    const window = await schedule([...ordinary, { ...attacker, path: '/hostile', pattern: CATASTROPHIC }]);
    const withHostile = p99(await victimLags(window));
    const hostileRows = await waitFor(
      'every result of the hostile monitor',
      async () => {
        const rows = await t.db
          .selectFrom('check_results')
          .selectAll()
          .where('monitor_id', '=', attacker.id)
          .where('scheduled_at', '>=', new Date(window.first))
          .execute();
        return rows.length === SLOTS ? rows : undefined;
      },
      15_000,
    );
    const allWrittenAfterMs = Date.now() - enqueuedAt;

    // Every slot of the hostile monitor was checked and judged (the body does not match: "!" is no word).
    expect(hostileRows.every((r) => r.ok === false && r.error_kind === 'assertion')).toBe(true);
    for (const row of hostileRows) {
      expect(row.latency_ms ?? Number.POSITIVE_INFINITY).toBeLessThan(HOSTILE_TIMEOUT_MS);
    }
    expect(allWrittenAfterMs).toBeLessThan(window.last - enqueuedAt + HOSTILE_TIMEOUT_MS + 5000);
    // The victims' lag p99 stays where it was without the hostile monitor (slack for a shared machine).
    expect(withHostile).toBeLessThanOrEqual(Math.max(baseline * 2, baseline + 200));
    // And the worker still answers its health probe.
    const port = await worker.listeningPort();
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    process.stdout.write(
      `victim start lag p99: ${baseline} ms without, ${withHostile} ms with the hostile monitor\n`,
    );
  }, 60_000);
});
