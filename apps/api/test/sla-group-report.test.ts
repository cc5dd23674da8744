import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';
import {
  componentTable,
  csvSections,
  monitorLines,
  organizationTable,
  pdfText,
  type SeededMonth,
  SLA_NOW,
  seedSlaMonth,
} from './sla-month';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let seeded: SeededMonth;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: SLA_NOW });
  owner = await signupUser(api.app, 'Group Report Inc');
  other = await signupUser(api.app, 'Elsewhere Ltd');
  seeded = await seedSlaMonth(api, testDb, owner);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const get = (path: string, token = owner.token) => client(api.app, token).get(path);
const componentPath = () => `/v1/status-pages/${seeded.statusPageId}/components/${seeded.componentId}/report`;

const lineOf = (key: 'A' | 'B' | 'C') => [seeded.monitors[key], ...monitorLines[key]].join(',');

describe.each([
  {
    scope: 'component',
    path: () => componentPath(),
    table: componentTable,
    members: ['A', 'B'] as const,
  },
  {
    scope: 'organization',
    path: () => '/v1/reports/organization',
    table: organizationTable,
    members: ['A', 'B', 'C'] as const,
  },
])('the $scope SLA report of a seeded month', ({ path, table, members }) => {
  it('matches the hand-computed table in JSON', async () => {
    const res = await get(`${path()}?month=2026-03`);
    expect(res.statusCode).toBe(200);
    const json = res.json();
    const flat: Record<string, unknown> = {
      [json.scope]: json.subject.name,
      from: json.from,
      to: json.to,
      monitors: json.monitors.length,
      uptimePercent: json.uptimePercent,
      checks: json.checks,
      failedChecks: json.failedChecks,
      downtimeSeconds: json.downtimeSeconds,
      measuredSeconds: json.measuredSeconds,
      incidents: json.incidents.length,
      mttrSeconds: json.mttrSeconds,
      latencyP50Ms: json.latencyMs.p50,
      latencyP95Ms: json.latencyMs.p95,
      latencyP99Ms: json.latencyMs.p99,
    };
    for (const [metric, value] of table) expect([metric, String(flat[metric])]).toEqual([metric, value]);
    expect(json.monitors.map((m: { id: string }) => m.id)).toEqual(
      members.map((key) => seeded.monitors[key]),
    );
  });

  it('matches it in CSV, with a line per monitor and per incident', async () => {
    const res = await get(`${path()}?month=2026-03&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="sla-.*-2026-03\.csv"/);
    const { summary, tables } = csvSections(res.body);
    for (const [metric, value] of table) expect([metric, summary.get(metric)]).toEqual([metric, value]);
    const [monitorTable = [], incidentTable = []] = tables;
    expect(monitorTable).toEqual([
      'monitorId,monitor,uptimePercent,checks,failedChecks,downtimeSeconds,measuredSeconds,incidents,mttrSeconds,latencyP50Ms,latencyP95Ms,latencyP99Ms',
      ...members.map(lineOf),
    ]);
    expect(incidentTable[0]).toBe('incidentId,monitorId,monitor,openedAt,resolvedAt,durationSeconds');
    expect(incidentTable.slice(1).map((line) => line.split(',').slice(2).join(','))).toEqual(
      [
        ['Shop A', '2026-03-05T10:00:00.000Z', '2026-03-05T10:30:00.000Z', '1800'],
        ['Shop B', '2026-03-05T10:15:00.000Z', '2026-03-05T11:00:00.000Z', '2700'],
        ['Shop C', '2026-03-10T00:00:00.000Z', '2026-03-10T02:00:00.000Z', '7200'],
        ['Shop A', '2026-03-20T22:00:00.000Z', '2026-03-21T01:00:00.000Z', '10800'],
        ['Shop B', '2026-03-25T00:00:00.000Z', '2026-03-25T00:30:00.000Z', '1800'],
      ]
        .filter(([name]) => members.some((key) => monitorLines[key][0] === name))
        .map((row) => row.join(',')),
    );
  });

  it('says the same in the text of the PDF', async () => {
    const res = await get(`${path()}?month=2026-03&format=pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.rawPayload);
    const [summary = '', rest = ''] = text.split('\nMonitors\n');
    for (const [metric, value] of table) expect(summary).toContain(`${metric}: ${value}`);
    for (const key of members) {
      const [name, uptime, checks, , down] = monitorLines[key];
      const block = rest.slice(rest.indexOf(`${name} (${seeded.monitors[key]})`));
      expect(block).toMatch(
        new RegExp(
          `^${name} \\(.*\\)\\nuptimePercent: ${uptime}\\nchecks: ${checks}\\n.*\\ndowntimeSeconds: ${down}\\n`,
        ),
      );
    }
    expect(rest).toContain('2026-03-20T22:00:00.000Z to 2026-03-21T01:00:00.000Z: 10800 s, Shop A');
  });

  it('gives each monitor exactly what the stats API answers for it over the range', async () => {
    const range = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';
    const json = (await get(`${path()}?${range}`)).json();
    for (const line of json.monitors) {
      const stats = (await get(`/v1/monitors/${line.id}/stats?${range}`)).json();
      for (const key of [
        'uptimePercent',
        'checks',
        'failedChecks',
        'downtimeSeconds',
        'measuredSeconds',
        'latencyMs',
        'incidents',
      ])
        expect([line.name, key, line[key]]).toEqual([line.name, key, stats[key]]);
    }
  });
});

describe('group reports', () => {
  it('list the components that can be reported on, with their page', async () => {
    expect((await get('/v1/reports/components')).json()).toEqual({
      items: [
        {
          id: seeded.componentId,
          name: 'Checkout',
          statusPageId: seeded.statusPageId,
          statusPage: 'Shop status',
          monitors: 2,
        },
      ],
    });
    expect((await get('/v1/reports/components', other.token)).json()).toEqual({ items: [] });
  });

  it('of the organization can be limited to chosen monitors', async () => {
    const ids = [seeded.monitors.C, seeded.monitors.A];
    const json = (await get(`/v1/reports/organization?month=2026-03&monitorIds=${ids.join(',')}`)).json();
    expect(json.monitors.map((m: { name: string }) => m.name)).toEqual(['Shop A', 'Shop C']);
    // A's 12,600 s and C's 7,200 s never overlap; C has data in A's maintenance.
    expect(json.downtimeSeconds).toBe(19800);
    expect(json.measuredSeconds).toBe(2678400);
  });

  it("of a single monitor agree with that monitor's own report", async () => {
    const group = (
      await get(`/v1/reports/organization?month=2026-03&monitorIds=${seeded.monitors.B}`)
    ).json();
    const own = (await get(`/v1/monitors/${seeded.monitors.B}/report?month=2026-03`)).json();
    for (const key of [
      'uptimePercent',
      'checks',
      'failedChecks',
      'downtimeSeconds',
      'measuredSeconds',
      'latencyMs',
      'mttrSeconds',
    ])
      expect([key, group[key]]).toEqual([key, own[key]]);
  });

  it("are a 404 for another organization's component or monitor, and a 400 for a bad query", async () => {
    expectProblem(await get(`${componentPath()}?month=2026-03`, other.token), 404);
    expectProblem(
      await get(`/v1/reports/organization?month=2026-03&monitorIds=${seeded.monitors.A}`, other.token),
      404,
    );
    expectProblem(
      await get(`/v1/status-pages/${seeded.statusPageId}/components/nope/report?month=2026-03`),
      404,
    );
    expectProblem(await get('/v1/reports/organization?month=2026-03&monitorIds=a,b'), 400);
    expectProblem(await get('/v1/reports/organization?format=csv'), 400);
  });
});
