import { randomBytes } from 'node:crypto';
import { jobPolicies, VERIFY_QUEUE, verifyJobId } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createRedis } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type AppProcess, startAppProcess } from '../../../test/support/app-process';
import { insertResult, TEST_SECRETS_KEY } from './fixtures';
import { waitFor } from './scenario';

/** One policy minute is this long in the stack's verifiers (ONCALL_MINUTE_MS). */
export const MINUTE_MS = 1_000;

/**
 * A real API process and, on demand, real verifier processes over one test database and queue
 * prefix; results reach the verifiers as a worker writes them (rows, then a verification job).
 */
export async function startProcessStack(options: { apiEnv?: Record<string, string> } = {}) {
  const tdb: TestDatabase = await createTestDatabase();
  const redis: Redis = createRedis(testRedisUrl());
  const prefix = uniqueQueuePrefix();
  const verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const processes: AppProcess[] = [];
  const shared = {
    DATABASE_URL: tdb.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    SECRETS_KEY: TEST_SECRETS_KEY,
    REGIONS: 'local',
    LOG_LEVEL: 'info',
  };
  const api = startAppProcess(
    'api',
    { ...shared, API_PORT: '0', JWT_SECRET: randomBytes(32).toString('hex'), ...options.apiEnv },
    { inherit: false },
  );
  processes.push(api);
  const apiUrl = `http://127.0.0.1:${await api.listeningPort(60_000)}`;

  /** The verifier as deployed, one policy minute being MINUTE_MS, acknowledge links to this API. */
  function startVerifier(env: Record<string, string> = {}): AppProcess {
    const verifier = startAppProcess(
      'verifier',
      {
        ...shared,
        OPS_PORT: '0',
        ALLOW_PRIVATE_TARGETS: 'true',
        JOB_LOCK_MS: '2000',
        ONCALL_MINUTE_MS: String(MINUTE_MS),
        ESCALATION_SWEEP_MS: '100',
        ACK_LINK_BASE_URL: apiUrl,
        ...env,
      },
      { inherit: false },
    );
    processes.push(verifier);
    return verifier;
  }

  /**
   * Check results of consecutive 10 s slots, written as a worker writes them, each followed by its
   * verification job. `fromSlot` counts slots from five minutes ago: long past, so no confirmation
   * is awaited and each slot is judged at once.
   */
  async function feedResults(
    orgId: string,
    monitorId: string,
    outcomes: readonly boolean[],
    fromSlot = 0,
  ): Promise<number> {
    const base = Math.floor(Date.now() / 10_000) * 10_000 - 300_000;
    let lastMs = base;
    for (const [i, ok] of outcomes.entries()) {
      const scheduledAtMs = base + (fromSlot + i) * 10_000;
      await insertResult(tdb.db, orgId, monitorId, { scheduledAtMs, ok });
      await verifyQueue.add(
        'verify',
        { orgId, monitorId },
        { ...jobPolicies.verify, jobId: verifyJobId(monitorId, scheduledAtMs, 'local', 'scheduled') },
      );
      lastMs = scheduledAtMs;
    }
    return lastMs;
  }

  return {
    tdb,
    apiUrl,
    startVerifier,
    feedResults,
    /** Results that turn a 10 s monitor (failure threshold 2) down: one good slot, three failed. */
    goDown: (orgId: string, monitorId: string) => feedResults(orgId, monitorId, [true, false, false, false]),
    /** Two good slots after `goDown`'s: the monitor recovers (recovery threshold 2). */
    goUp: (orgId: string, monitorId: string) => feedResults(orgId, monitorId, [true, true], 4),
    /** Waits until the verifier has consumed the monitor's results through the slot at `atMs`. */
    async consumedThrough(monitorId: string, atMs: number, what: string, timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const row = await tdb.db
            .selectFrom('monitor_state')
            .select('consumed_through')
            .where('monitor_id', '=', monitorId)
            .executeTakeFirst();
          return (row?.consumed_through?.getTime() ?? 0) >= atMs;
        },
        timeoutMs,
        what,
      );
    },
    /** The database's clock, the one deadlines and rotations are read on. */
    async databaseNow(): Promise<Date> {
      const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(tdb.db);
      return rows[0]?.now ?? new Date(0);
    },
    /** Waits until the database's clock has passed `at`. */
    async databasePassed(at: Date, what: string, timeoutMs = 20_000) {
      await waitFor(
        async () => {
          const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(tdb.db);
          return (rows[0]?.now.getTime() ?? 0) > at.getTime();
        },
        timeoutMs,
        what,
      );
    },
    async close() {
      for (const { child } of processes)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await verifyQueue.close();
      await redis.quit();
      await tdb.drop();
    },
  };
}

export type ProcessStack = Awaited<ReturnType<typeof startProcessStack>>;

/**
 * A new owner and their organization, signed up through the API at `apiUrl`; `call` sends a request
 * as that owner (JSON in and out) and returns the answer's status and body.
 */
export async function signUp(apiUrl: string, organizationName: string) {
  const res = await fetch(`${apiUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `owner-${randomBytes(6).toString('hex')}@example.com`,
      password: 'correct horse battery',
      organizationName,
    }),
  });
  if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${await res.text()}`);
  const session = (await res.json()) as { accessToken: string; organization: { id: string } };
  async function call(method: string, path: string, body?: unknown) {
    const answer = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  }
  return { orgId: session.organization.id, token: session.accessToken, call };
}
