import { type TestDatabase, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { prefix: uniqueQueuePrefix() });
  owner = await signupUser(api.app, 'Regions Org');
  other = await signupUser(api.app, 'Other Org');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

async function monitorIn(session: Session, regions: string[]): Promise<string> {
  const res = await client(api.app, session.token).post('/v1/monitors', httpMonitor({ regions }));
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

async function notice(
  orgId: string,
  region: string,
  event: 'region.degraded' | 'region.restored',
  at: string,
) {
  await testDb.db
    .insertInto('region_notices')
    .values({ org_id: orgId, region, event, created_at: at })
    .execute();
}

describe('GET /v1/regions', () => {
  it("lists the regions the organization's monitors use, each live or degraded since its latest notice", async () => {
    await monitorIn(owner, ['local', 'eu-west']);
    await monitorIn(other, ['local']);
    await notice(owner.orgId, 'eu-west', 'region.degraded', '2030-01-01T00:00:00Z');
    await notice(owner.orgId, 'local', 'region.degraded', '2030-01-01T00:00:00Z');
    await notice(owner.orgId, 'local', 'region.restored', '2030-01-01T00:05:00Z');
    // Another organization's notice says nothing about this one's regions.
    await notice(other.orgId, 'local', 'region.degraded', '2030-01-01T00:06:00Z');

    const res = await client(api.app, owner.token).get('/v1/regions');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { region: 'eu-west', status: 'degraded', since: '2030-01-01T00:00:00.000Z' },
        { region: 'local', status: 'live', since: '2030-01-01T00:05:00.000Z' },
      ],
    });
    const theirs = await client(api.app, other.token).get('/v1/regions');
    expect(theirs.json()).toEqual({
      items: [{ region: 'local', status: 'degraded', since: '2030-01-01T00:06:00.000Z' }],
    });
  });

  it('a region that never had a notice is live, with no since', async () => {
    const fresh = await signupUser(api.app, 'Fresh Org');
    await monitorIn(fresh, ['local']);
    const res = await client(api.app, fresh.token).get('/v1/regions');
    expect(res.json()).toEqual({ items: [{ region: 'local', status: 'live', since: null }] });
  });
});

describe('late results in the results API', () => {
  it('marks a result counted late, and only that one', async () => {
    const monitorId = await monitorIn(owner, ['local', 'eu-west']);
    const at = new Date('2030-02-01T00:00:00Z');
    const row = (region: string) => ({
      org_id: owner.orgId,
      monitor_id: monitorId,
      scheduled_at: at,
      checked_at: new Date(at.getTime() + 120),
      region,
      kind: 'scheduled' as const,
      attempt: 0,
      ok: true,
      status_code: 200,
      latency_ms: 42,
      phases: JSON.stringify({ dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 30, transferMs: 6 }),
      cert_expires_at: null,
      error_kind: null,
      error_message: null,
      failed_assertions: JSON.stringify([]),
    });
    await testDb.db
      .insertInto('check_results')
      .values([row('local'), row('eu-west')])
      .execute();
    await testDb.db
      .insertInto('late_results')
      .values({
        org_id: owner.orgId,
        monitor_id: monitorId,
        scheduled_at: at,
        region: 'eu-west',
        kind: 'scheduled',
      })
      .execute();

    const res = await client(api.app, owner.token).get(
      `/v1/monitors/${monitorId}/results?from=2030-01-31T00:00:00Z&to=2030-02-02T00:00:00Z`,
    );
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { region: string; late: boolean }[];
    expect(items.map((i) => [i.region, i.late]).sort()).toEqual([
      ['eu-west', true],
      ['local', false],
    ]);
  });
});
