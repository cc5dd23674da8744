import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;
let monitorId: string;
let channelId: string;
const base = Date.now() - 60 * 60_000;
const at = (minutes: number) => new Date(base + minutes * 60_000);

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Incident Org');
  as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor())).json().id;
  channelId = (
    await as.post('/v1/channels', { type: 'webhook', name: 'h', config: { url: 'https://h.example.com' } })
  ).json().id;
  const result = (minute: number, region: string, ok: boolean) => ({
    org_id: owner.orgId,
    monitor_id: monitorId,
    scheduled_at: at(minute),
    checked_at: new Date(at(minute).getTime() + 120),
    region,
    kind: 'scheduled' as const,
    attempt: 0,
    ok,
    status_code: ok ? 200 : 503,
    latency_ms: ok ? 42 : 1200,
    phases: JSON.stringify({ dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 30, transferMs: 6 }),
    cert_expires_at: at(60 * 24 * 90),
    error_kind: ok ? null : 'http_status',
    error_message: ok ? null : 'HTTP 503',
    failed_assertions: JSON.stringify(
      ok ? [] : [{ source: 'status', op: 'between', expected: [200, 399], actual: 503 }],
    ),
  });
  const rows = [];
  for (let minute = 0; minute < 5; minute++) {
    for (const region of ['eu-west', 'local']) rows.push(result(minute, region, minute < 1 || minute > 3));
  }
  await testDb.db.insertInto('check_results').values(rows).execute();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('check results', () => {
  it('lists results newest first in the documented shape', async () => {
    const page = (await as.get(`/v1/monitors/${monitorId}/results?limit=3`)).json();
    expect(page.items.map((r: { scheduledAt: string; region: string }) => [r.scheduledAt, r.region])).toEqual(
      [
        [at(4).toISOString(), 'local'],
        [at(4).toISOString(), 'eu-west'],
        [at(3).toISOString(), 'local'],
      ],
    );
    expect(page.items[2]).toEqual({
      scheduledAt: at(3).toISOString(),
      checkedAt: new Date(at(3).getTime() + 120).toISOString(),
      region: 'local',
      kind: 'scheduled',
      ok: false,
      statusCode: 503,
      latencyMs: 1200,
      phases: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 30, transferMs: 6 },
      certExpiresAt: at(60 * 24 * 90).toISOString(),
      error: { kind: 'http_status', message: 'HTTP 503' },
      failedAssertions: [{ source: 'status', op: 'between', expected: [200, 399], actual: 503 }],
      details: [],
      screenshot: false,
      late: false,
    });
    expect(page.items[0].error).toBeNull();
  });

  it('pages through every result exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/monitors/${monitorId}/results?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await as.get(url)).json();
      seen.push(
        ...page.items.map((r: { scheduledAt: string; region: string }) => `${r.scheduledAt}/${r.region}`),
      );
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });

  it('filters by from (inclusive) and to (exclusive)', async () => {
    const url = `/v1/monitors/${monitorId}/results?from=${at(1).toISOString()}&to=${at(3).toISOString()}`;
    const page = (await as.get(url)).json();
    expect(page.items.map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual([
      at(2).toISOString(),
      at(2).toISOString(),
      at(1).toISOString(),
      at(1).toISOString(),
    ]);
  });
});

describe('incidents and alerts', () => {
  let openId: string;
  let resolvedId: string;

  beforeAll(async () => {
    const [resolved, open] = await testDb.db
      .insertInto('incidents')
      .values([
        {
          org_id: owner.orgId,
          monitor_id: monitorId,
          status: 'resolved',
          opened_at: at(1),
          resolved_at: at(3),
          cause: 'HTTP 503 from 2 of 2 regions',
        },
        { org_id: owner.orgId, monitor_id: monitorId, status: 'open', opened_at: at(4), cause: 'timeout' },
      ])
      .returning('id')
      .execute();
    resolvedId = resolved?.id ?? '';
    openId = open?.id ?? '';
    await testDb.db
      .insertInto('alerts')
      .values([
        {
          org_id: owner.orgId,
          incident_id: resolvedId,
          monitor_id: monitorId,
          channel_id: channelId,
          event: 'monitor.down',
          status: 'sent',
          attempts: 1,
          payload: JSON.stringify({}),
          created_at: at(1),
          sent_at: at(1),
        },
        {
          org_id: owner.orgId,
          incident_id: resolvedId,
          monitor_id: monitorId,
          channel_id: channelId,
          event: 'monitor.up',
          status: 'failed',
          attempts: 12,
          payload: JSON.stringify({}),
          created_at: at(3),
          last_error: 'HTTP 500 from receiver',
        },
      ])
      .execute();
  });

  it('lists incidents newest first, filtered by status and monitor', async () => {
    const all = (await as.get('/v1/incidents')).json();
    expect(all.items.map((i: { id: string }) => i.id)).toEqual([openId, resolvedId]);
    expect(all.items[1]).toEqual({
      id: resolvedId,
      monitorId,
      status: 'resolved',
      openedAt: at(1).toISOString(),
      resolvedAt: at(3).toISOString(),
      cause: 'HTTP 503 from 2 of 2 regions',
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledger: null,
      note: null,
      suppressedBy: null,
      releasedAt: null,
    });
    const open = (await as.get(`/v1/incidents?status=open&monitorId=${monitorId}`)).json();
    expect(open.items.map((i: { id: string }) => i.id)).toEqual([openId]);
    const paged = (await as.get('/v1/incidents?limit=1')).json();
    const next = (await as.get(`/v1/incidents?limit=1&cursor=${paged.nextCursor}`)).json();
    expect([paged.items[0].id, next.items[0].id]).toEqual([openId, resolvedId]);
  });

  it('shows an incident with the results of its window and its alerts', async () => {
    const res = await as.get(`/v1/incidents/${resolvedId}`);
    expect(res.statusCode).toBe(200);
    const incident = res.json();
    expect(incident.timeline.results.map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual([
      at(1).toISOString(),
      at(1).toISOString(),
      at(2).toISOString(),
      at(2).toISOString(),
      at(3).toISOString(),
      at(3).toISOString(),
    ]);
    expect(incident.timeline.alerts.map((a: { event: string }) => a.event)).toEqual([
      'monitor.down',
      'monitor.up',
    ]);
  });

  it('acknowledges an incident once, recording who did it', async () => {
    const res = await as.post(`/v1/incidents/${openId}/acknowledge`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: openId,
      acknowledgedBy: owner.userId,
      acknowledgedAt: expect.any(String),
    });
  });

  it('returns the delivery log filtered by incident', async () => {
    const page = (await as.get(`/v1/alerts?incidentId=${resolvedId}`)).json();
    expect(page.items).toHaveLength(2);
    expect(page.items).toContainEqual({
      id: expect.any(String),
      incidentId: resolvedId,
      monitorId,
      monitorName: 'Checkout API',
      channelId,
      recipient: { type: 'channel', id: channelId, name: 'h' },
      event: 'monitor.up',
      status: 'failed',
      attempts: 12,
      sentAt: null,
      lastError: 'HTTP 500 from receiver',
      attemptLog: [],
    });
    expect((await as.get(`/v1/alerts?incidentId=${openId}`)).json().items).toEqual([]);
  });

  it('shows every delivery attempt of an alert, oldest first', async () => {
    const alert = await testDb.db
      .selectFrom('alerts')
      .select(['id', 'org_id'])
      .where('incident_id', '=', resolvedId)
      .where('event', '=', 'monitor.down')
      .executeTakeFirstOrThrow();
    await testDb.db
      .insertInto('alert_attempts')
      .values([
        {
          org_id: alert.org_id,
          alert_id: alert.id,
          attempted_at: at(1),
          ok: false,
          status_code: 500,
          error: 'HTTP 500',
          duration_ms: 40,
        },
        {
          org_id: alert.org_id,
          alert_id: alert.id,
          attempted_at: at(2),
          ok: true,
          status_code: 200,
          error: null,
          duration_ms: 12,
        },
      ])
      .execute();
    const page = (await as.get(`/v1/alerts?incidentId=${resolvedId}`)).json();
    const down = page.items.find((a: { event: string }) => a.event === 'monitor.down');
    expect(down.attemptLog).toEqual([
      { attemptedAt: at(1).toISOString(), ok: false, statusCode: 500, error: 'HTTP 500', durationMs: 40 },
      { attemptedAt: at(2).toISOString(), ok: true, statusCode: 200, error: null, durationMs: 12 },
    ]);
  });

  it("hides another organization's incidents, alerts and results", async () => {
    const them = client(api.app, (await signupUser(api.app, 'Nosy')).token);
    expectProblem(await them.get(`/v1/incidents/${resolvedId}`), 404);
    expectProblem(await them.post(`/v1/incidents/${resolvedId}/acknowledge`), 404);
    expectProblem(await them.get(`/v1/monitors/${monitorId}/results`), 404);
    expect((await them.get('/v1/incidents')).json().items).toEqual([]);
    expect((await them.get(`/v1/alerts?incidentId=${resolvedId}`)).json().items).toEqual([]);
  });
});
