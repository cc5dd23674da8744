import { insertIncident, insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE_ROWS } from '../src/reports/export';
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

const NOW = new Date('2026-06-10T12:00:00Z');
const MIN = 60_000;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let monitorId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Export Inc');
  other = await signupUser(api.app, 'Elsewhere Ltd');
  monitorId = (
    await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name: 'Shop, "EU"' }))
  ).json().id;
  const otherMonitor = (await client(api.app, other.token).post('/v1/monitors', httpMonitor())).json().id;
  const base = NOW.getTime() - 10 * 24 * 60 * MIN;
  // More than two pages, so the keyset walks from page to page; two regions share every slot.
  const slots = EXPORT_PAGE_ROWS + 100;
  await insertResults(
    testDb.db,
    owner.orgId,
    monitorId,
    Array.from({ length: slots }, (_, i) => [
      { scheduledAt: new Date(base + i * MIN), region: 'eu' },
      {
        scheduledAt: new Date(base + i * MIN),
        region: 'us',
        ok: i % 2 === 0,
        errorMessage: 'said "no",\nthen closed',
      },
    ]).flat(),
  );
  await insertIncident(testDb.db, owner.orgId, monitorId, {
    openedAt: new Date('2026-06-01T10:00:00Z'),
    resolvedAt: new Date('2026-06-01T10:45:30Z'),
    cause: 'HTTP 503, twice',
  });
  await insertIncident(testDb.db, owner.orgId, monitorId, { openedAt: new Date('2026-06-02T08:00:00Z') });
  await insertIncident(testDb.db, other.orgId, otherMonitor, { openedAt: new Date('2026-06-01T11:00:00Z') });
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const get = (url: string, token = owner.token) => client(api.app, token).get(url);

describe('GET /v1/monitors/:id/results/export', () => {
  it('streams every result of the range as RFC 4180 CSV, in slot order, across pages', async () => {
    const res = await get(
      `/v1/monitors/${monitorId}/results/export?from=2026-05-01T00:00:00Z&to=2026-06-10T00:00:00Z`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="results-${monitorId}.csv"`);
    const records = res.body.split('\r\n');
    expect(records[0]).toBe(
      'scheduledAt,checkedAt,region,kind,attempt,ok,statusCode,latencyMs,errorKind,errorMessage,certExpiresAt',
    );
    expect(records[1]).toBe(
      '2026-05-31T12:00:00.000Z,2026-05-31T12:00:00.050Z,eu,scheduled,0,true,200,100,,,',
    );
    // A quote, a comma and a line break inside a field: quoted, the quote doubled.
    expect(records[2]).toBe(
      '2026-05-31T12:00:00.000Z,2026-05-31T12:00:00.050Z,us,scheduled,0,true,200,100,,"said ""no"",\nthen closed",',
    );
    expect(
      records[4]?.startsWith('2026-05-31T12:01:00.000Z,2026-05-31T12:01:00.050Z,us,scheduled,0,false,503,'),
    ).toBe(true);
    expect(records.at(-1)).toBe('');
    expect(records.length - 2).toBe(2 * (EXPORT_PAGE_ROWS + 100));
  });

  it('answers NDJSON, one object per line, and keeps to the range', async () => {
    const res = await get(
      `/v1/monitors/${monitorId}/results/export?from=2026-05-31T12:01:00Z&to=2026-05-31T12:03:00Z&format=ndjson`,
    );
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.scheduledAt} ${l.region}`)).toEqual([
      '2026-05-31T12:01:00.000Z eu',
      '2026-05-31T12:01:00.000Z us',
      '2026-05-31T12:02:00.000Z eu',
      '2026-05-31T12:02:00.000Z us',
    ]);
    expect(lines[1]).toMatchObject({ ok: false, statusCode: 503, errorMessage: 'said "no",\nthen closed' });
  });

  it("is a 404 for another organization's monitor and a 400 for a range that ends before it starts", async () => {
    expectProblem(
      await get(`/v1/monitors/${monitorId}/results/export?from=2026-05-01T00:00:00Z`, other.token),
      404,
    );
    expectProblem(
      await get(`/v1/monitors/${monitorId}/results/export?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z`),
      400,
    );
    expectProblem(await get(`/v1/monitors/${monitorId}/results/export?from=yesterday`), 400);
  });
});

describe('GET /v1/incidents/export', () => {
  it("lists the organization's incidents of the range with their durations, and no one else's", async () => {
    const res = await get('/v1/incidents/export?from=2026-06-01T00:00:00Z');
    expect(res.statusCode).toBe(200);
    const records = res.body.split('\r\n');
    expect(records[0]).toBe(
      'id,monitorId,monitor,status,openedAt,resolvedAt,durationSeconds,cause,acknowledgedAt',
    );
    expect(records).toHaveLength(4);
    expect(records[1]).toContain(
      ',"Shop, ""EU""",resolved,2026-06-01T10:00:00.000Z,2026-06-01T10:45:30.000Z,2730,"HTTP 503, twice",',
    );
    expect(records[2]).toContain(',"Shop, ""EU""",open,2026-06-02T08:00:00.000Z,,,,');
    const theirs = (await get('/v1/incidents/export?from=2026-06-01T00:00:00Z&format=ndjson', other.token))
      .body;
    expect(theirs.trimEnd().split('\n')).toHaveLength(1);
    expect(theirs).not.toContain(monitorId);
  });
});
