import { verifyWebhookSignature } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fastHttpMonitor,
  type Listening,
  type ReceivedRequest,
  startReceiver,
  startTarget,
} from '../support/http-fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

const SECRET = 'e2e-webhook-secret-0123456789';

/**
 * One monitor from creation to signed alerts through real processes (the launcher's api, scheduler,
 * worker and verifier): the same scenario on the test run's Redis and on a Redis Cluster.
 */
export function pipelineScenario(title: string, redis: () => { clusterNodes?: string } = () => ({})): void {
  let db: TestDatabase;
  let stack: TestStack;
  let api: string;
  let target: Listening & { setStatus: (s: number) => void };
  let receiver: Listening & { received: ReceivedRequest[] };
  let token: string;

  async function call<T = Record<string, unknown>>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  const pids = () => stack.pids();

  const events = () => receiver.received.map((r) => r.body.event);

  beforeAll(async () => {
    db = await createTestDatabase();
    target = await startTarget();
    receiver = await startReceiver();
    const { clusterNodes } = redis();
    stack = await startTestStack({
      databaseUrl: db.url,
      apps: 'api,scheduler,worker,verifier',
      ...(clusterNodes ? { redisClusterNodes: clusterNodes } : {}),
    });
    api = stack.api;
    const signup = await fetch(`${api}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'oncall@example.com',
        password: 'correct horse battery',
        organizationName: 'E2E',
      }),
    });
    token = ((await signup.json()) as { accessToken: string }).accessToken;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([target?.close(), receiver?.close()]);
    await db?.drop();
  }, 60_000);

  describe(title, () => {
    it('alerts exactly once when the target goes down and once when it recovers, across SIGKILLed apps', async () => {
      const channel = await call<{ id: string }>('POST', '/v1/channels', {
        type: 'webhook',
        name: 'e2e receiver',
        config: { url: `${receiver.url}/hook`, secret: SECRET },
      });
      const monitor = await call<{ id: string }>(
        'POST',
        '/v1/monitors',
        fastHttpMonitor(target.url, [channel.id]),
      );
      const status = async () =>
        (await call<{ state: { status: string } }>('GET', `/v1/monitors/${monitor.id}`)).state.status;
      await waitFor('the monitor to be up', async () => (await status()) === 'up', { timeoutMs: 20_000 });

      const brokeAt = Date.now();
      target.setStatus(500);
      await waitFor('a down alert', () => events().includes('monitor.down'), { timeoutMs: 20_000 });
      const downAfterMs = (receiver.received[0]?.at ?? 0) - brokeAt;
      // interval 2 s + retry 1 s + 2 s of slack for checking, verifying and delivering.
      expect(downAfterMs).toBeLessThanOrEqual(5_000);
      expect(await status()).toBe('down');

      for (const app of ['worker', 'scheduler', 'verifier']) {
        const before = pids()[app];
        expect(before).toBeTruthy();
        process.kill(before as number, 'SIGKILL');
        await waitFor(
          `${app} to be restarted`,
          () => {
            const now = pids()[app];
            return now !== null && now !== undefined && now !== before;
          },
          { timeoutMs: 20_000 },
        );
      }
      const killedAt = new Date();
      await waitFor(
        'checks to go on after the restarts',
        async () => {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM check_results WHERE monitor_id = ${monitor.id} AND scheduled_at > ${killedAt}
          `.execute(db.db);
          return (rows[0]?.n ?? 0) >= 2;
        },
        { timeoutMs: 30_000 },
      );

      target.setStatus(200);
      await waitFor('an up alert', () => events().includes('monitor.up'), { timeoutMs: 30_000 });
      expect(await status()).toBe('up');

      // Let a few more healthy slots pass, then nothing else may have arrived.
      const upAt = new Date();
      await waitFor(
        'three more healthy checks',
        async () => {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM check_results WHERE monitor_id = ${monitor.id} AND scheduled_at > ${upAt} AND ok
          `.execute(db.db);
          return (rows[0]?.n ?? 0) >= 3;
        },
        { timeoutMs: 30_000 },
      );
      expect(events()).toEqual(['monitor.down', 'monitor.up']);
      const now = Math.floor(Date.now() / 1000);
      for (const request of receiver.received) {
        expect(request.headers['content-type']).toContain('application/json');
        expect(request.headers['idempotency-key']).toBe(request.body.id);
        const signature = String(request.headers['x-sentinel-signature']);
        expect(verifyWebhookSignature([SECRET], request.rawBody, signature, now)).toBe(true);
        expect(verifyWebhookSignature(['another-secret'], request.rawBody, signature, now)).toBe(false);
      }
      const ids = receiver.received.map((r) => r.body.id);
      expect(new Set(ids).size).toBe(2);

      const alerts = await call<{ items: Array<{ status: string; event: string }> }>(
        'GET',
        `/v1/alerts?monitorId=${monitor.id}`,
      );
      expect(alerts.items.map((a) => [a.event, a.status]).sort()).toEqual([
        ['monitor.down', 'sent'],
        ['monitor.up', 'sent'],
      ]);
      const incidents = await call<{ items: Array<{ status: string }> }>(
        'GET',
        `/v1/incidents?monitorId=${monitor.id}`,
      );
      expect(incidents.items.map((i) => i.status)).toEqual(['resolved']);
    }, 180_000);
  });
}
