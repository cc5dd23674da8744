import { insertIncident, insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';
import { pdfText } from './sla-month';

// A hand-computed month: March 2026 (31 days = 744 hours = 2,678,400 s), one scheduled check an hour.
//   Latencies: 700 at 100 ms, 36 at 200 ms, 8 at 500 ms (the last eight hours); 2 of the checks failed.
//   Nearest rank over 744: p50 = #372 = 100, p95 = #707 = 200, p99 = #737 = 500.
// Incidents: 03-05 10:00–10:30 (1,800 s) and 03-20 22:00–03-21 01:00 (10,800 s); one in February
//   stays out. Down 12,600 s of 2,678,400 s: uptime 1 - 12600/2678400 = 99.5296 %; MTTR 6,300 s.
const NOW = new Date('2026-04-02T00:00:00Z');
const H = 3_600_000;
const MARCH = Date.parse('2026-03-01T00:00:00Z');

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let monitorId: string;
let incidentIds: string[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Report Inc');
  other = await signupUser(api.app, 'Elsewhere Ltd');
  monitorId = (
    await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name: 'Shop, EU' }))
  ).json().id;
  await testDb.db
    .updateTable('monitors')
    .set({ created_at: new Date(MARCH - 30 * 24 * H) } as never)
    .where('id', '=', monitorId)
    .execute();
  await insertResults(
    testDb.db,
    owner.orgId,
    monitorId,
    Array.from({ length: 744 }, (_, i) => ({
      scheduledAt: new Date(MARCH + i * H),
      latencyMs: i < 700 ? 100 : i < 736 ? 200 : 500,
      ok: i !== 106 && i !== 478,
    })),
  );
  incidentIds = [
    await insertIncident(testDb.db, owner.orgId, monitorId, {
      openedAt: new Date('2026-03-05T10:00:00Z'),
      resolvedAt: new Date('2026-03-05T10:30:00Z'),
    }),
    await insertIncident(testDb.db, owner.orgId, monitorId, {
      openedAt: new Date('2026-03-20T22:00:00Z'),
      resolvedAt: new Date('2026-03-21T01:00:00Z'),
    }),
  ];
  await insertIncident(testDb.db, owner.orgId, monitorId, {
    openedAt: new Date('2026-02-10T00:00:00Z'),
    resolvedAt: new Date('2026-02-10T05:00:00Z'),
  });
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const report = (query: string, token = owner.token) =>
  client(api.app, token).get(`/v1/monitors/${monitorId}/report?${query}`);

const handComputed: Array<[string, string]> = [
  ['monitor', 'Shop, EU'],
  ['from', '2026-03-01T00:00:00.000Z'],
  ['to', '2026-04-01T00:00:00.000Z'],
  ['uptimePercent', '99.5296'],
  ['checks', '744'],
  ['failedChecks', '2'],
  ['downtimeSeconds', '12600'],
  ['measuredSeconds', '2678400'],
  ['incidents', '2'],
  ['mttrSeconds', '6300'],
  ['latencyP50Ms', '100'],
  ['latencyP95Ms', '200'],
  ['latencyP99Ms', '500'],
];

describe('the SLA report of a seeded month', () => {
  it('matches the hand-computed table in CSV, and the incidents with their durations', async () => {
    const res = await report('month=2026-03&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [summary = '', incidents = ''] = res.body.split('\r\n\r\n');
    const table = new Map(
      summary.split('\r\n').map((line) => {
        const comma = line.indexOf(',');
        return [line.slice(0, comma), line.slice(comma + 1)] as [string, string];
      }),
    );
    for (const [metric, value] of handComputed) {
      expect([metric, table.get(metric)?.replace(/^"(.*)"$/, '$1')]).toEqual([metric, value]);
    }
    expect(incidents.split('\r\n')).toEqual([
      'incidentId,openedAt,resolvedAt,durationSeconds',
      `${incidentIds[0]},2026-03-05T10:00:00.000Z,2026-03-05T10:30:00.000Z,1800`,
      `${incidentIds[1]},2026-03-20T22:00:00.000Z,2026-03-21T01:00:00.000Z,10800`,
      '',
    ]);
  });

  it('says the same in the text of the PDF', async () => {
    const res = await report('month=2026-03&format=pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.rawPayload);
    for (const [metric, value] of handComputed) expect(text).toContain(`${metric}: ${value}`);
    expect(text).toContain(`2026-03-05T10:00:00.000Z to 2026-03-05T10:30:00.000Z: 1800 s`);
    expect(text).toContain(`2026-03-20T22:00:00.000Z to 2026-03-21T01:00:00.000Z: 10800 s`);
  });

  it('agrees exactly with the stats API over the same range', async () => {
    const stats = (
      await client(api.app, owner.token).get(
        `/v1/monitors/${monitorId}/stats?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z`,
      )
    ).json();
    const json = (await report('from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).json();
    for (const key of [
      'uptimePercent',
      'checks',
      'failedChecks',
      'downtimeSeconds',
      'measuredSeconds',
      'latencyMs',
    ])
      expect([key, json[key]]).toEqual([key, stats[key]]);
    expect(json.incidents.map((i: { id: string }) => i.id)).toEqual(
      stats.incidentSpans.map((i: { id: string }) => i.id),
    );
  });

  it("is a 404 for another organization's monitor and a 400 without a month or range", async () => {
    expectProblem(await report('month=2026-03', other.token), 404);
    expectProblem(await report('format=csv'), 400);
    expectProblem(await report('month=2026-13'), 400);
  });
});
