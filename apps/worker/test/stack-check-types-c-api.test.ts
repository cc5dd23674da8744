import { SECRET_MASK } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { type LocalServer, startApiServer, startRdapServer } from './c-api-servers';
import { waitFor } from './helpers';

// The local launcher with REGIONS=eu,us (one worker per region), and multi-step API and domain
// expiry monitors: scheduled, checked in both regions, judged by quorum into the monitor's state.

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
let target: LocalServer & { token: string };
let rdap: LocalServer;

beforeAll(async () => {
  target = await startApiServer();
  rdap = await startRdapServer();
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
    // The workers' own RDAP server, for domain monitors that name none.
    env: { RDAP_BASE_URL: rdap.url('/rdap/') },
  });
  api = stack.api;
  call = await signUpOwner(api, 'api@example.com', 'A');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await target?.close();
  await rdap?.close();
  await db?.drop();
}, 60_000);

const login = {
  name: 'login',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"user":"ada","password":"{{secret_password}}"}',
  assertions: [{ source: 'status', op: 'eq', value: 200 }],
  extract: [{ name: 'token', from: 'json', path: '$.data.token' }],
};
const item = (name: string) => ({
  name: 'item',
  headers: { authorization: 'Bearer {{token}}' },
  assertions: [
    { source: 'status', op: 'eq', value: 200 },
    { source: 'json', path: '$.name', op: 'eq', value: name },
  ],
});

describe('multi-step API and domain check types through the local stack', () => {
  it('api and domain monitors reach their state from results of both regions', async () => {
    const common = { intervalSeconds: 2, retryIntervalSeconds: 1, timeoutMs: 1500 };
    const create = (body: Record<string, unknown>) => call('POST', '/v1/monitors', { ...common, ...body });
    const steps = (name: string) => [
      { ...login, url: target.url('/login') },
      { ...item(name), url: target.url('/items/7') },
    ];
    const secretVariables = { secret_password: 's3cret' };
    const monitors = {
      apiUp: await create({ name: 'api up', type: 'api', steps: steps('widget'), secretVariables }),
      // The login passes; the authorized call answers a name the step does not expect.
      apiDown: await create({ name: 'api down', type: 'api', steps: steps('gadget'), secretVariables }),
      domainOwnServer: await create({
        name: 'domain',
        type: 'domain',
        domain: '90days.test',
        rdapBaseUrl: rdap.url('/rdap/'),
      }),
      domainWorkerServer: await create({ name: 'domain (worker)', type: 'domain', domain: '200days.test' }),
      domainExpiring: await create({ name: 'domain soon', type: 'domain', domain: '5days.test' }),
    };
    expect(monitors.apiUp.regions).toEqual(['eu', 'us']);
    expect(monitors.apiUp.secretVariables).toEqual({ secret_password: SECRET_MASK });

    const expected: Record<keyof typeof monitors, string> = {
      apiUp: 'up',
      apiDown: 'down',
      domainOwnServer: 'up',
      domainWorkerServer: 'up',
      domainExpiring: 'down',
    };
    for (const [key, monitor] of Object.entries(monitors)) {
      const status = expected[key as keyof typeof monitors];
      await waitFor(
        `the ${key} monitor to be ${status}`,
        async () => (await call('GET', `/v1/monitors/${monitor.id}`)).state.status === status,
        30_000,
      );
      const results = await call('GET', `/v1/monitors/${monitor.id}/results`);
      const regions = [...new Set(results.items.map((row: { region: string }) => row.region))].sort();
      expect(regions, key).toEqual(['eu', 'us']);
    }

    // Both steps ran in every result of the passing monitor, each with its own timing.
    const upResults = await call('GET', `/v1/monitors/${monitors.apiUp.id}/results`);
    for (const row of upResults.items as { details: { label: string; unit: string }[] }[]) {
      expect(row.details.map((d) => [d.label, d.unit])).toEqual([
        ['step 1 (login)', 'ms'],
        ['step 2 (item)', 'ms'],
      ]);
    }
    const down = await call('GET', `/v1/monitors/${monitors.apiDown.id}`);
    expect(down.state.lastError).toEqual({
      kind: 'assertion',
      message: 'step 2 (item): json $.name eq "gadget", got "widget"',
    });
    const expiring = await call('GET', `/v1/monitors/${monitors.domainExpiring.id}`);
    expect(expiring.state.lastError.kind).toBe('assertion');
    const domainResults = await call('GET', `/v1/monitors/${monitors.domainOwnServer.id}/results`);
    expect(domainResults.items[0].details).toContainEqual(expect.objectContaining({ unit: 'days' }));
    // Every login carried the sealed password, filled in by the workers.
    expect(target.hits.get('/login')).toBeGreaterThanOrEqual(4);
    expect(rdap.hits.get('/rdap/domain/200days.test')).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
