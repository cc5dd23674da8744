import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { waitFor } from './helpers';

// The local launcher with REGIONS=eu,us (one worker per region), and database monitors against the
// suite's Postgres and Redis. The Redis user needs its password: a monitor is up only when the
// worker filled in the sealed password that the job carries as a mask.

const suffix = randomBytes(4).toString('hex');
const user = `stack_${suffix}`;
const password = `pw-${suffix}`;

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  await redis.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '+@all');
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
  });
  api = stack.api;
  call = await signUpOwner(api, 'databases@example.com', 'D');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await db?.drop();
  await redis?.call('ACL', 'DELUSER', user);
  redis?.disconnect();
}, 60_000);

describe('database check types through the local stack', () => {
  it('postgres and redis monitors reach their state from results of both regions, with their timings', async () => {
    const pgUrl = new URL(inject('postgresAdminUrl'));
    const redisPort = Number(new URL(inject('redisUrl')).port);
    const common = { intervalSeconds: 2, retryIntervalSeconds: 1, host: '127.0.0.1' };
    const monitors = {
      postgres: await call('POST', '/v1/monitors', {
        ...common,
        name: 'postgres',
        type: 'postgres',
        port: Number(pgUrl.port),
        username: pgUrl.username,
        query: 'SELECT count(*) FROM pg_database',
        assertions: [{ source: 'json', path: '$.value', op: 'gte', value: 1 }],
      }),
      redis: await call('POST', '/v1/monitors', {
        ...common,
        name: 'redis',
        type: 'redis',
        port: redisPort,
        username: user,
        password,
        command: 'DBSIZE',
      }),
      wrongPassword: await call('POST', '/v1/monitors', {
        ...common,
        name: 'redis, wrong password',
        type: 'redis',
        port: redisPort,
        username: user,
        password: 'not-the-password',
      }),
    };
    expect(monitors.redis.password).not.toBe(password);
    const expected: Record<string, string> = { postgres: 'up', redis: 'up', wrongPassword: 'down' };
    for (const [name, monitor] of Object.entries(monitors)) {
      await waitFor(
        `the ${name} monitor to be ${expected[name]}`,
        async () => (await call('GET', `/v1/monitors/${monitor.id}`)).state.status === expected[name],
        30_000,
      );
      const results = await call('GET', `/v1/monitors/${monitor.id}/results`);
      const regions = [...new Set(results.items.map((item: { region: string }) => item.region))].sort();
      expect(regions).toEqual(['eu', 'us']);
      if (expected[name] === 'up') {
        const labels = results.items[0].details.map((d: { label: string }) => d.label);
        expect(labels).toEqual(['connect', 'login', 'query', 'rows']);
      }
    }
    const wrong = await call('GET', `/v1/monitors/${monitors.wrongPassword.id}`);
    expect(wrong.state.lastError.kind).toBe('auth');
  }, 60_000);
});
