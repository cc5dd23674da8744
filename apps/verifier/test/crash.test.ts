import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { jobPolicies, VERIFY_QUEUE, verifyJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertsOf,
  createChannel,
  createMonitor,
  createOrg,
  insertResult,
  TEST_SECRETS_KEY,
} from './fixtures';
import { waitFor } from './scenario';

const appDir = path.resolve(import.meta.dirname, '..');

interface Delivery {
  id: string;
  event: string;
}

/** A webhook receiver that keeps the first request hanging (the verifier dies while waiting) and accepts the rest. */
async function startHangingReceiver() {
  const deliveries: Delivery[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery;
      deliveries.push({ id: body.id, event: body.event });
      if (deliveries.length === 1) hanging.push(res);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let tdb: TestDatabase;
let redis: Redis;
let verifyQueue: Queue;
let receiver: Awaited<ReturnType<typeof startHangingReceiver>>;
const prefix = uniqueQueuePrefix();
const children: ChildProcess[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  receiver = await startHangingReceiver();
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await verifyQueue?.close();
  await receiver?.close();
  await redis?.quit();
  await tdb?.drop();
});

/** The verifier as production runs it: one node process, no wrapper in between to absorb the signal. */
function startVerifier() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: tdb.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      OPS_PORT: '0',
      SECRETS_KEY: TEST_SECRETS_KEY,
      REGIONS: 'local',
      ALLOW_PRIVATE_TARGETS: 'true',
      JOB_LOCK_MS: '2000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output, exited, listening: () => output.join('').includes('"msg":"listening"') };
}

describe('verifier crash', () => {
  it('SIGKILL in the middle of an outage still yields exactly one down and one up alert, with a stable alert id', async () => {
    const orgId = await createOrg(tdb.db);
    const monitorId = await createMonitor(tdb.db, orgId, { intervalSeconds: 10 });
    await createChannel(tdb.db, new SecretBox(TEST_SECRETS_KEY), {
      orgId,
      monitorIds: [monitorId],
      type: 'webhook',
      config: { url: receiver.url },
      secrets: { secret: 'whsec_crash_test_secret_01' },
    });
    // Results of the last few minutes: long enough ago that no confirmation is waited for.
    const base = Math.floor(Date.now() / 10_000) * 10_000 - 300_000;
    const arrive = async (k: number, ok: boolean) => {
      const scheduledAtMs = base + k * 10_000;
      await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs, ok });
      await verifyQueue.add(
        'verify',
        { orgId, monitorId },
        { ...jobPolicies.verify, jobId: verifyJobId(monitorId, scheduledAtMs, 'local', 'scheduled') },
      );
    };

    const first = startVerifier();
    await waitFor(first.listening, 30_000, 'the first verifier to listen');
    for (const [k, ok] of [
      [0, true],
      [1, false],
      [2, false],
      [3, false],
    ] as const)
      await arrive(k, ok);
    // The down alert is on its way and the receiver holds the request: kill the verifier now.
    await waitFor(() => receiver.deliveries.length === 1, 15_000, 'the down alert to reach the receiver');
    first.child.kill('SIGKILL');
    await first.exited;

    // The outage goes on and ends while no verifier runs.
    for (const [k, ok] of [
      [4, false],
      [5, true],
      [6, true],
      [7, true],
    ] as const)
      await arrive(k, ok);
    const second = startVerifier();
    await waitFor(second.listening, 30_000, 'the second verifier to listen');
    await waitFor(
      async () => {
        const alerts = await alertsOf(tdb.db, monitorId);
        return alerts.length === 2 && alerts.every((a) => a.status === 'sent');
      },
      20_000,
      'both alerts to be sent',
    );
    second.child.kill('SIGTERM');
    await second.exited;

    const alerts = await alertsOf(tdb.db, monitorId);
    expect(alerts.map((a) => a.event)).toEqual(['monitor.down', 'monitor.up']);
    const [down, up] = alerts;
    // The interrupted delivery was made again with the same alert id; nothing else was sent twice.
    const downs = receiver.deliveries.filter((d) => d.event === 'monitor.down');
    expect(downs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(downs.map((d) => d.id))).toEqual(new Set([down?.id]));
    expect(receiver.deliveries.filter((d) => d.event === 'monitor.up')).toEqual([
      { id: up?.id, event: 'monitor.up' },
    ]);
  }, 60_000);
});
