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

// Friday before the spring change in Berlin (Sunday 2026-03-29, 02:00 CET -> 03:00 CEST).
const NOW = new Date('2026-03-27T12:00:00Z');

let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;
let monitorId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Recurring Org');
  as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor({ name: 'db' }))).json().id;
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const sundays = { rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', timeZone: 'Europe/Berlin', durationMinutes: 120 };

async function create(body: Record<string, unknown>) {
  const res = await as.post('/v1/maintenance-windows', { name: 'w', monitorIds: [monitorId], ...body });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

describe('recurring maintenance windows', () => {
  it('creates a weekly window on the Berlin wall clock and lists its next occurrences across the DST change', async () => {
    const created = await create({
      name: 'Sunday patching',
      startsAt: '2026-03-01T00:00:00Z',
      recurrence: sundays,
    });
    expect(created).toMatchObject({
      name: 'Sunday patching',
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: null,
      recurrence: sundays,
      status: 'scheduled',
    });
    expect(created.nextOccurrences).toEqual([
      { startsAt: '2026-03-29T01:00:00.000Z', endsAt: '2026-03-29T03:00:00.000Z' },
      { startsAt: '2026-04-05T00:00:00.000Z', endsAt: '2026-04-05T02:00:00.000Z' },
      { startsAt: '2026-04-12T00:00:00.000Z', endsAt: '2026-04-12T02:00:00.000Z' },
      { startsAt: '2026-04-19T00:00:00.000Z', endsAt: '2026-04-19T02:00:00.000Z' },
      { startsAt: '2026-04-26T00:00:00.000Z', endsAt: '2026-04-26T02:00:00.000Z' },
    ]);
    expect((await as.get(`/v1/maintenance-windows/${created.id}`)).json()).toEqual(created);
  });

  it('is active while an occurrence runs, and ended once its series or its COUNT is over', async () => {
    const daily = { rrule: 'FREQ=DAILY;BYHOUR=11', timeZone: 'UTC', durationMinutes: 120 };
    const running = await create({ startsAt: '2026-03-01T00:00:00Z', recurrence: daily });
    expect(running.status).toBe('active');
    expect(running.nextOccurrences[0]).toEqual({
      startsAt: '2026-03-27T11:00:00.000Z',
      endsAt: '2026-03-27T13:00:00.000Z',
    });
    const over = await create({
      startsAt: '2026-03-01T00:00:00Z',
      endsAt: '2026-03-20T00:00:00Z',
      recurrence: daily,
    });
    expect(over).toMatchObject({ status: 'ended', endsAt: '2026-03-20T00:00:00.000Z', nextOccurrences: [] });
    const counted = await create({
      startsAt: '2026-03-01T00:00:00Z',
      recurrence: { ...daily, rrule: 'FREQ=DAILY;BYHOUR=11;COUNT=3' },
    });
    expect(counted).toMatchObject({ status: 'ended', nextOccurrences: [] });
  });

  it('refuses a bad rule, an unknown zone and a one-off window without an end, each problem named', async () => {
    const tooOften = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'w',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: { rrule: 'FREQ=MINUTELY', timeZone: 'Mars/Base', durationMinutes: 0 },
      }),
      400,
    );
    expect(tooOften.errors.map((e) => e.path).sort()).toEqual(['recurrence.durationMinutes']);
    const semantic = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'w',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: { rrule: 'FREQ=MINUTELY', timeZone: 'Mars/Base', durationMinutes: 5 },
      }),
      400,
    );
    expect(semantic.errors).toEqual([
      { path: 'recurrence.timeZone', message: 'unknown IANA time zone (e.g. Europe/Berlin)' },
      { path: 'recurrence.rrule', message: 'FREQ must be HOURLY or longer' },
    ]);
    const garbled = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'w',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: { ...sundays, rrule: 'FREQ=WEEKLY;BYDAY=XX' },
      }),
      400,
    );
    expect(garbled.errors[0]?.path).toBe('recurrence.rrule');
    expect(garbled.errors[0]?.message).toMatch(/^not a valid RRULE: /);
    const endless = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'w',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
      }),
      400,
    );
    expect(endless.errors).toEqual([{ path: 'endsAt', message: 'required unless the window recurs' }]);
    const backwards = expectProblem(
      await as.post('/v1/maintenance-windows', {
        name: 'w',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
        endsAt: '2026-02-01T00:00:00Z',
        recurrence: sundays,
      }),
      400,
    );
    expect(backwards.errors).toEqual([{ path: 'endsAt', message: 'must be after the start' }]);
  });

  it('keeps a series longer than 31 days, which a one-off window may not be', async () => {
    const year = await create({
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-01-01T00:00:00Z',
      recurrence: sundays,
    });
    expect(year.endsAt).toBe('2027-01-01T00:00:00.000Z');
    const long = expectProblem(
      await as.patch(`/v1/maintenance-windows/${year.id}`, { recurrence: null }),
      400,
    );
    expect(long.errors).toEqual([{ path: 'endsAt', message: 'a window lasts at most 31 days' }]);
    expect((await as.get(`/v1/maintenance-windows/${year.id}`)).json()).toEqual(year);
  });

  describe('PATCH', () => {
    it('turns a one-off window into a series and back, and opens or closes its end', async () => {
      const once = await create({ startsAt: '2026-03-28T00:00:00Z', endsAt: '2026-03-28T02:00:00Z' });
      expect(once).toMatchObject({ recurrence: null, status: 'scheduled' });
      expect(once.nextOccurrences).toEqual([
        { startsAt: '2026-03-28T00:00:00.000Z', endsAt: '2026-03-28T02:00:00.000Z' },
      ]);
      const series = (
        await as.patch(`/v1/maintenance-windows/${once.id}`, { recurrence: sundays, endsAt: null })
      ).json();
      expect(series).toMatchObject({
        recurrence: sundays,
        endsAt: null,
        startsAt: '2026-03-28T00:00:00.000Z',
      });
      expect(series.nextOccurrences[0]).toEqual({
        startsAt: '2026-03-29T01:00:00.000Z',
        endsAt: '2026-03-29T03:00:00.000Z',
      });
      const closed = (
        await as.patch(`/v1/maintenance-windows/${once.id}`, { endsAt: '2026-04-06T00:00:00Z' })
      ).json();
      expect(closed.nextOccurrences).toHaveLength(2);
      const back = (
        await as.patch(`/v1/maintenance-windows/${once.id}`, {
          recurrence: null,
          endsAt: '2026-03-28T02:00:00Z',
        })
      ).json();
      expect(back).toMatchObject({ recurrence: null, endsAt: '2026-03-28T02:00:00.000Z' });
    });

    it('judges a new rule against the stored start, and changes nothing when it is refused', async () => {
      const series = await create({ startsAt: '2026-03-01T00:00:00Z', recurrence: sundays });
      const never = expectProblem(
        await as.patch(`/v1/maintenance-windows/${series.id}`, {
          recurrence: { ...sundays, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31' },
        }),
        400,
      );
      expect(never.errors).toEqual([
        { path: 'recurrence.rrule', message: 'the rule never occurs within 8 years of startsAt' },
      ]);
      expect((await as.get(`/v1/maintenance-windows/${series.id}`)).json()).toEqual(series);
    });
  });

  it('announces occurrences on the public page: running now, and the next 7 days, of the shown monitors only', async () => {
    const shown = (await as.post('/v1/monitors', httpMonitor({ name: 'shown' }))).json().id;
    const hidden = (await as.post('/v1/monitors', httpMonitor({ name: 'hidden' }))).json().id;
    const page = await as.post('/v1/status-pages', {
      slug: 'recurring',
      title: 'Recurring',
      monitorIds: [shown],
    });
    expect(page.statusCode).toBe(201);
    const sunday = (
      await as.post('/v1/maintenance-windows', {
        name: 'Sunday patching',
        monitorIds: [shown, hidden],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: sundays,
      })
    ).json();
    const now = (
      await as.post('/v1/maintenance-windows', {
        name: 'Backups',
        monitorIds: [shown],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: { rrule: 'FREQ=DAILY;BYHOUR=11', timeZone: 'UTC', durationMinutes: 120 },
      })
    ).json();
    await as.post('/v1/maintenance-windows', {
      name: 'Not on the page',
      monitorIds: [hidden],
      startsAt: '2026-03-27T13:00:00Z',
      endsAt: '2026-03-27T14:00:00Z',
    });
    const res = await api.app.inject({ method: 'GET', url: '/v1/public/status-pages/recurring' });
    expect(res.statusCode).toBe(200);
    const { maintenance } = res.json();
    expect(maintenance.active).toEqual([
      {
        windowId: now.id,
        name: 'Backups',
        startsAt: '2026-03-27T11:00:00.000Z',
        endsAt: '2026-03-27T13:00:00.000Z',
        monitorIds: [shown],
      },
    ]);
    expect(
      maintenance.upcoming.map((o: { name: string; startsAt: string }) => `${o.name} ${o.startsAt}`),
    ).toEqual([
      'Backups 2026-03-28T11:00:00.000Z',
      'Sunday patching 2026-03-29T01:00:00.000Z',
      'Backups 2026-03-29T11:00:00.000Z',
      'Backups 2026-03-30T11:00:00.000Z',
      'Backups 2026-03-31T11:00:00.000Z',
      'Backups 2026-04-01T11:00:00.000Z',
      'Backups 2026-04-02T11:00:00.000Z',
      'Backups 2026-04-03T11:00:00.000Z',
    ]);
    expect(maintenance.upcoming[1]).toMatchObject({ windowId: sunday.id, monitorIds: [shown] });
  });

  it('keeps organizations apart: another organization neither sees nor changes a series', async () => {
    const mine = await create({ startsAt: '2026-03-01T00:00:00Z', recurrence: sundays });
    const other = await signupUser(api.app, 'Other Org');
    const them = client(api.app, other.token);
    expectProblem(await them.get(`/v1/maintenance-windows/${mine.id}`), 404);
    expectProblem(await them.patch(`/v1/maintenance-windows/${mine.id}`, { recurrence: null }), 404);
    expect((await them.get('/v1/maintenance-windows')).json()).toEqual({ items: [], nextCursor: null });
    const foreign = expectProblem(
      await them.post('/v1/maintenance-windows', {
        name: 'x',
        monitorIds: [monitorId],
        startsAt: '2026-03-01T00:00:00Z',
        recurrence: sundays,
      }),
      400,
    );
    expect(foreign.errors).toEqual([{ path: 'monitorIds.0', message: 'monitor not found' }]);
  });
});
