import { insertIncident, insertResults, rollUpResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollups } from '../src/jobs/rollups';
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

// A hand-computed scenario. Now is 2026-03-10T12:00Z; the 24 h window is [03-09 12:00, 03-10 12:00).
// One scheduled check per hour at HH:00, 24 in the window:
//   18 at 100 ms (ok), 4 at 200 ms (ok), 1 at 500 ms (HTTP 500), 1 timeout without latency.
//   Percentiles (nearest rank over the 23 latencies): p50 = #12 = 100, p95 = #22 = 200, p99 = #23 = 500.
// Down incidents: 03-09 10:00–12:30 (30 min inside), 03-09 20:00–21:30 (90 min), 03-10 11:45–open (15 min).
//   Down 135 min = 8100 s of 86400 s: uptime 90.625 %.
// The 7 d window also holds a 03-09 11:00 check at 9000 ms and the whole first incident (150 min):
//   25 checks; p95 = #23 of 24 = 500, p99 = #24 = 9000. Its data begins with that incident at 03-09 10:00
//   (the first check is at 11:00; time before has no data): down 255 min = 15300 s of 26 h = 93600 s:
//   1 - 15300/93600 = 83.6538 %.
const NOW = new Date('2026-03-10T12:00:00Z');
const H = 3_600_000;
const at = (iso: string) => new Date(iso);

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let monitorId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Stats Inc');
  monitorId = (await client(api.app, owner.token).post('/v1/monitors', httpMonitor())).json().id;
  await testDb.db
    .updateTable('monitors')
    .set({ created_at: new Date(NOW.getTime() - 100 * 24 * H) } as never)
    .where('id', '=', monitorId)
    .execute();
  const start = NOW.getTime() - 24 * H;
  const rows = Array.from({ length: 24 }, (_, i) => {
    const latency = i < 18 ? 100 : i < 22 ? 200 : i === 22 ? 500 : null;
    return {
      org_id: owner.orgId,
      monitor_id: monitorId,
      scheduled_at: new Date(start + i * H),
      checked_at: new Date(start + i * H + 1000),
      region: 'local',
      kind: 'scheduled' as const,
      attempt: 0,
      ok: i < 22,
      status_code: i === 23 ? null : i === 22 ? 500 : 200,
      latency_ms: latency,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
      error_kind: i === 23 ? 'timeout' : null,
    };
  });
  // Outside the 24 h window (inside the 7 d one), and a confirmation re-check, which never counts.
  const [first, , , , , sixth] = rows;
  if (!first || !sixth) throw new Error('scenario rows missing');
  rows.push({ ...first, scheduled_at: new Date(start - H), latency_ms: 9000 });
  rows.push({ ...sixth, kind: 'confirmation' as never, latency_ms: 9000, ok: false });
  await testDb.db
    .insertInto('check_results')
    .values(rows as never)
    .execute();
  await testDb.db
    .insertInto('incidents')
    .values([
      {
        org_id: owner.orgId,
        monitor_id: monitorId,
        status: 'resolved',
        opened_at: at('2026-03-09T10:00:00Z'),
        resolved_at: at('2026-03-09T12:30:00Z'),
      },
      {
        org_id: owner.orgId,
        monitor_id: monitorId,
        status: 'resolved',
        opened_at: at('2026-03-09T20:00:00Z'),
        resolved_at: at('2026-03-09T21:30:00Z'),
      },
      {
        org_id: owner.orgId,
        monitor_id: monitorId,
        status: 'open',
        opened_at: at('2026-03-10T11:45:00Z'),
        resolved_at: null,
      },
      // Long before the window.
      {
        org_id: owner.orgId,
        monitor_id: monitorId,
        status: 'resolved',
        opened_at: at('2026-02-01T00:00:00Z'),
        resolved_at: at('2026-02-01T05:00:00Z'),
      },
    ])
    .execute();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const stats = async (window: string) => {
  const res = await client(api.app, owner.token).get(`/v1/monitors/${monitorId}/stats?window=${window}`);
  expect(res.statusCode).toBe(200);
  return res.json();
};

const expected24h = {
  window: '24h',
  uptimePercent: 90.625,
  checks: 24,
  failedChecks: 2,
  incidents: 3,
  downtimeSeconds: 8100,
  latencyMs: { p50: 100, p95: 200, p99: 500 },
};

describe('monitor statistics against a hand-computed scenario', () => {
  it('computes the 24 h numbers from raw results before any rollup exists', async () => {
    expect(await stats('24h')).toMatchObject(expected24h);
  });

  it('gives the same numbers once part of the window is rolled up, and the rest still comes from raw results', async () => {
    const through = await runRollups(testDb.db, new Date('2026-03-10T06:03:00Z'));
    expect(through?.toISOString()).toBe('2026-03-10T06:00:00.000Z');
    const rolled = await testDb.db
      .selectFrom('check_rollups_hourly')
      .select((eb) => eb.fn.sum<number>('checks').as('checks'))
      .where('monitor_id', '=', monitorId)
      .executeTakeFirstOrThrow();
    // 03-09 11:00 (outside the window) + the 18 hours 03-09 12:00 .. 03-10 05:00.
    expect(Number(rolled.checks)).toBe(19);
    expect(await stats('24h')).toMatchObject(expected24h);
  });

  it('draws an hourly series whose points show the incidents and latencies of each hour', async () => {
    const { series } = await stats('24h');
    expect(series).toHaveLength(24);
    expect(series[0]).toEqual({
      at: '2026-03-09T12:00:00.000Z',
      uptimePercent: 50,
      p50: 100,
      p95: 100,
      checks: 1,
      failedChecks: 0,
    });
    expect(series[8]).toMatchObject({ at: '2026-03-09T20:00:00.000Z', uptimePercent: 0 });
    expect(series[9]).toMatchObject({ at: '2026-03-09T21:00:00.000Z', uptimePercent: 50 });
    expect(series[20]).toMatchObject({ at: '2026-03-10T08:00:00.000Z', uptimePercent: 100, p50: 200 });
    expect(series[23]).toEqual({
      at: '2026-03-10T11:00:00.000Z',
      uptimePercent: 75,
      p50: null,
      p95: null,
      checks: 1,
      failedChecks: 1,
    });
  });

  it('counts the earlier check and the whole first incident in the 7 d window', async () => {
    expect(await stats('7d')).toMatchObject({
      window: '7d',
      uptimePercent: 83.6538,
      checks: 25,
      failedChecks: 2,
      incidents: 3,
      downtimeSeconds: 15300,
      measuredSeconds: 93600,
      latencyMs: { p50: 100, p95: 500, p99: 9000 },
    });
  });

  it('counts the last hour alone in the 1 h window: one timeout and 15 minutes down', async () => {
    expect(await stats('1h')).toMatchObject({
      uptimePercent: 75,
      checks: 1,
      failedChecks: 1,
      incidents: 1,
      downtimeSeconds: 900,
      latencyMs: { p50: null, p95: null, p99: null },
    });
  });

  it('reports no data, not 100 %, for a monitor without checks', async () => {
    const fresh = (
      await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name: 'fresh' }))
    ).json();
    const res = await client(api.app, owner.token).get(`/v1/monitors/${fresh.id}/stats?window=24h`);
    expect(res.json()).toMatchObject({ uptimePercent: null, checks: 0, measuredSeconds: 0, incidents: 0 });
    expect(res.json().series.every((p: { uptimePercent: number | null }) => p.uptimePercent === null)).toBe(
      true,
    );
  });

  it('counts only the time since the first check, and an open incident up to now', async () => {
    // Checks every minute from 11:20; down since 11:50 (open): 10 min down of 40 min with data.
    const M = 60_000;
    const fresh = (
      await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name: 'outage' }))
    ).json();
    const checks = Array.from({ length: 40 }, (_, i) => ({
      org_id: owner.orgId,
      monitor_id: fresh.id,
      scheduled_at: new Date(NOW.getTime() - 40 * M + i * M),
      checked_at: new Date(NOW.getTime() - 40 * M + i * M + 100),
      region: 'local',
      kind: 'scheduled' as const,
      attempt: 0,
      ok: i < 30,
      status_code: i < 30 ? 200 : 503,
      latency_ms: 100,
      phases: JSON.stringify({}),
      failed_assertions: JSON.stringify([]),
      error_kind: i < 30 ? null : 'http_status',
    }));
    await testDb.db
      .insertInto('check_results')
      .values(checks as never)
      .execute();
    await testDb.db
      .insertInto('incidents')
      .values({
        org_id: owner.orgId,
        monitor_id: fresh.id,
        status: 'open',
        opened_at: new Date(NOW.getTime() - 10 * M),
        resolved_at: null,
      })
      .execute();
    const hour = (
      await client(api.app, owner.token).get(`/v1/monitors/${fresh.id}/stats?window=1h&points=true`)
    ).json();
    expect(hour).toMatchObject({
      uptimePercent: 75,
      checks: 40,
      failedChecks: 10,
      incidents: 1,
      downtimeSeconds: 600,
      measuredSeconds: 2400,
    });
    expect(hour.incidentSpans).toEqual([
      { id: expect.any(String), openedAt: '2026-03-10T11:50:00.000Z', resolvedAt: null },
    ]);
    expect(hour.points).toHaveLength(40);
    expect(hour.points[39]).toMatchObject({ ok: false, kind: 'scheduled', latencyMs: 100 });
    // Every longer window reads the same facts: the same figure.
    for (const window of ['3h', '6h', '24h', '7d', '30d', '90d']) {
      const res = await client(api.app, owner.token).get(`/v1/monitors/${fresh.id}/stats?window=${window}`);
      expect(res.json(), window).toMatchObject({ uptimePercent: 75, checks: 40, measuredSeconds: 2400 });
    }
  });

  it('gives the same uptime whether an hour comes from the rollups or raw results, the first check mid-hour', async () => {
    // Every 10 min from 02:20 to 05:50, down 03:00–04:00: data [02:20, 06:10) = 230 min, 60 down: 73.913 %.
    const as = client(api.app, owner.token);
    const fresh = (
      await as.post('/v1/monitors', httpMonitor({ name: 'rolled', intervalSeconds: 600 }))
    ).json();
    const start = Date.parse('2026-03-10T02:20:00Z');
    await insertResults(
      testDb.db,
      owner.orgId,
      fresh.id,
      Array.from({ length: 22 }, (_, i) => ({ scheduledAt: new Date(start + i * 600_000) })),
    );
    await insertIncident(testDb.db, owner.orgId, fresh.id, {
      openedAt: at('2026-03-10T03:00:00Z'),
      resolvedAt: at('2026-03-10T04:00:00Z'),
    });
    const read = async () => (await as.get(`/v1/monitors/${fresh.id}/stats?window=24h`)).json();
    const raw = await read();
    expect(raw).toMatchObject({ uptimePercent: 73.913, measuredSeconds: 13_800, checks: 22 });
    await rollUpResults(testDb.db, at('2026-03-10T06:00:00Z'));
    expect(await read()).toEqual(raw);
  });

  it('answers a custom range with raw points and the same definition', async () => {
    const res = await client(api.app, owner.token).get(
      `/v1/monitors/${monitorId}/stats?from=2026-03-09T20:00:00Z&to=2026-03-09T22:00:00Z&points=true`,
    );
    expect(res.statusCode).toBe(200);
    // Down 20:00–21:30 of the two hours: 25 %; two checks, at 20:00 and 21:00.
    expect(res.json()).toMatchObject({
      window: 'custom',
      from: '2026-03-09T20:00:00.000Z',
      to: '2026-03-09T22:00:00.000Z',
      uptimePercent: 25,
      checks: 2,
      downtimeSeconds: 5400,
    });
    expect(res.json().points.map((p: { at: string }) => p.at)).toEqual([
      '2026-03-09T20:00:01.000Z',
      '2026-03-09T21:00:01.000Z',
    ]);
    expect(res.json().series).toHaveLength(12);
  });

  it('leaves maintenance out of the window and of the downtime', async () => {
    // Maintenance 03-09 21:00–22:00 covers the last 30 min of the 20:00–21:30 incident:
    // down 8100 - 1800 = 6300 s of 86400 - 3600 = 82800 s: 1 - 6300/82800 = 92.3913 %.
    const window = await testDb.db
      .insertInto('maintenance_windows')
      .values({
        org_id: owner.orgId,
        name: 'db upgrade',
        starts_at: at('2026-03-09T21:00:00Z'),
        ends_at: at('2026-03-09T22:00:00Z'),
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    await testDb.db
      .insertInto('maintenance_window_monitors')
      .values({ org_id: owner.orgId, window_id: window.id, monitor_id: monitorId } as never)
      .execute();
    try {
      const result = await stats('24h');
      expect(result).toMatchObject({ uptimePercent: 92.3913, downtimeSeconds: 6300 });
      expect(result.series[9]).toMatchObject({ at: '2026-03-09T21:00:00.000Z', uptimePercent: null });
    } finally {
      await testDb.db.deleteFrom('maintenance_windows').where('id', '=', window.id).execute();
    }
  });

  it('leaves out each occurrence of a recurring window, the same in stats and in the SLA report', async () => {
    // Daily at 22:00 Berlin time (CET in March: 21:00Z) for an hour: inside the 24 h window only the
    // 03-09 21:00–22:00 occurrence, the same hour as the one-off window above, so the same 92.3913 %.
    const as = client(api.app, owner.token);
    const created = await as.post('/v1/maintenance-windows', {
      name: 'nightly',
      monitorIds: [monitorId],
      startsAt: '2026-03-01T00:00:00Z',
      recurrence: { rrule: 'FREQ=DAILY;BYHOUR=22', timeZone: 'Europe/Berlin', durationMinutes: 60 },
    });
    expect(created.statusCode).toBe(201);
    try {
      const result = await stats('24h');
      expect(result).toMatchObject({ uptimePercent: 92.3913, downtimeSeconds: 6300, measuredSeconds: 82800 });
      expect(result.series[9]).toMatchObject({ at: '2026-03-09T21:00:00.000Z', uptimePercent: null });
      const range = 'from=2026-03-09T12:00:00Z&to=2026-03-10T12:00:00Z';
      const report = (await as.get(`/v1/monitors/${monitorId}/report?${range}`)).json();
      expect(report.uptimePercent).toBe(92.3913);
    } finally {
      await as.delete(`/v1/maintenance-windows/${created.json().id}`);
    }
  });

  it('pages through results an hour apart exactly once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/monitors/${monitorId}/results?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await client(api.app, owner.token).get(url)).json();
      seen.push(
        ...page.items.map((r: { scheduledAt: string; kind: string }) => `${r.scheduledAt}/${r.kind}`),
      );
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(26);
    expect(new Set(seen).size).toBe(26);
    expect(seen[0]).toBe('2026-03-10T11:00:00.000Z/scheduled');
    expect(seen[25]).toBe('2026-03-09T11:00:00.000Z/scheduled');
  });

  it.each([
    ['an unknown window', 'window=2d', 'window'],
    ['from after to', 'from=2026-03-10T10:00:00Z&to=2026-03-10T09:00:00Z', 'from'],
    ['a range in the future', 'from=2026-03-11T00:00:00Z', 'from'],
    ['a range over 90 days', 'from=2025-11-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['a time that is not one', 'from=yesterday', 'from'],
    ['both a window and a range', 'window=1h&from=2026-03-10T10:00:00Z', 'window'],
    ['to without from', 'to=2026-03-10T10:00:00Z', 'from'],
  ])('answers a problem naming the field for %s', async (_name, query, path) => {
    const res = await client(api.app, owner.token).get(`/v1/monitors/${monitorId}/stats?${query}`);
    const problem = expectProblem(res, 400);
    expect(JSON.stringify(problem.errors)).toContain(path);
  });

  it('answers 404 for another organization’s monitor and 400 for an unknown window', async () => {
    const stranger = await signupUser(api.app, 'Stranger');
    expect((await client(api.app, stranger.token).get(`/v1/monitors/${monitorId}/stats`)).statusCode).toBe(
      404,
    );
    expect(
      (await client(api.app, owner.token).get(`/v1/monitors/${monitorId}/stats?window=2d`)).statusCode,
    ).toBe(400);
  });
});
