import { canonicalHandoffTime } from '@sentinelmesh/core';
import { databaseNow, onCallInRotation } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let member: Session;
let viewer: Session;
let outsider: Session;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Rota');
  member = await addMemberSession(api, owner, 'member');
  viewer = await addMemberSession(api, owner, 'viewer');
  outsider = await signupUser(api.app, 'Elsewhere');
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const rotation = (overrides: Record<string, unknown> = {}) => ({
  name: 'Primary',
  cadence: 'weekly',
  handoffTime: '09:00',
  handoffWeekday: 1,
  timeZone: 'Europe/Berlin',
  startsAt: '2026-10-19T07:00:00Z',
  memberIds: [owner.userId, member.userId],
  ...overrides,
});

describe('on-call rotations', () => {
  it('creates, reads, changes and deletes a rotation, showing who is on call now', async () => {
    const as = client(api.app, member.token);
    const created = await as.post('/v1/oncall-rotations', rotation());
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      name: 'Primary',
      cadence: 'weekly',
      handoffTime: '09:00',
      handoffWeekday: 1,
      timeZone: 'Europe/Berlin',
      startsAt: '2026-10-19T07:00:00.000Z',
      memberIds: [owner.userId, member.userId],
    });
    expect([owner.userId, member.userId]).toContain(body.onCall.userId);

    const read = client(api.app, viewer.token);
    expect((await read.get(`/v1/oncall-rotations/${body.id}`)).json()).toMatchObject({ id: body.id });
    expect((await read.get('/v1/oncall-rotations')).json().items.map((r: { id: string }) => r.id)).toContain(
      body.id,
    );
    expectProblem(await read.post('/v1/oncall-rotations', rotation()), 403);

    const daily = await as.patch(`/v1/oncall-rotations/${body.id}`, {
      cadence: 'daily',
      handoffWeekday: null,
    });
    expect(daily.json()).toMatchObject({ cadence: 'daily', handoffWeekday: null });
    const back = await as.patch(`/v1/oncall-rotations/${body.id}`, { cadence: 'weekly' });
    expect(expectProblem(back, 400).errors).toEqual([
      { path: 'handoffWeekday', message: 'a weekly rotation needs a weekday (0 = Sunday)' },
    ]);

    expectProblem(await client(api.app, outsider.token).get(`/v1/oncall-rotations/${body.id}`), 404);
    expect((await as.delete(`/v1/oncall-rotations/${body.id}`)).statusCode).toBe(204);
    expectProblem(await as.get(`/v1/oncall-rotations/${body.id}`), 404);
  });

  it('refuses people outside the organization, unknown time zones, bad handoff times and a weekly rotation without a weekday', async () => {
    const res = await client(api.app, owner.token).post(
      '/v1/oncall-rotations',
      rotation({ memberIds: [owner.userId, outsider.userId, owner.userId, 'nobody'] }),
    );
    expect(expectProblem(res, 400).errors).toEqual([
      { path: 'memberIds.1', message: 'not a member of this organization' },
      { path: 'memberIds.2', message: 'listed twice' },
      { path: 'memberIds.3', message: 'not a member of this organization' },
    ]);
    const shape = await client(api.app, owner.token).post(
      '/v1/oncall-rotations',
      rotation({ timeZone: 'Mars/Olympus', handoffTime: '9:00', handoffWeekday: undefined }),
    );
    const paths = expectProblem(shape, 400).errors.map((e) => `${e.path}: ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'timeZone: must be an IANA time zone, e.g. Europe/Berlin',
        'handoffTime: must be HH:MM or HH:MM:SS, 24-hour (e.g. 09:00)',
      ]),
    );
    const weekly = await client(api.app, owner.token).post(
      '/v1/oncall-rotations',
      rotation({ handoffWeekday: undefined }),
    );
    expect(expectProblem(weekly, 400).errors).toEqual([
      { path: 'handoffWeekday', message: 'a weekly rotation needs a weekday (0 = Sunday)' },
    ]);
  });

  it('takes a handoff time with seconds, keeps 09:00:00 as 09:00, and refuses 60 seconds', async () => {
    const as = client(api.app, member.token);
    const created = await as.post('/v1/oncall-rotations', rotation({ handoffTime: '09:00:00' }));
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.json().handoffTime).toBe('09:00');

    const seconds = await as.patch(`/v1/oncall-rotations/${id}`, { handoffTime: '17:30:15' });
    expect(seconds.json()).toMatchObject({ handoffTime: '17:30:15' });
    expect((await as.get(`/v1/oncall-rotations/${id}`)).json().handoffTime).toBe('17:30:15');
    // Monday 19 October 2026, 17:30:15 CEST.
    const schedule = await as.get(
      `/v1/oncall-rotations/${id}/schedule?from=2026-10-19T12:00:00Z&to=2026-10-19T18:00:00Z`,
    );
    expect(schedule.json().shifts.map((s: { shiftEnd: string }) => s.shiftEnd)).toEqual([
      '2026-10-19T15:30:15.000Z',
      '2026-10-26T16:30:15.000Z',
    ]);

    const bad = await as.patch(`/v1/oncall-rotations/${id}`, { handoffTime: '17:30:60' });
    expect(expectProblem(bad, 400).errors).toEqual([
      { path: 'handoffTime', message: 'must be HH:MM or HH:MM:SS, 24-hour (e.g. 09:00)' },
    ]);
    expect((await as.get(`/v1/oncall-rotations/${id}`)).json().handoffTime).toBe('17:30:15');
  });

  it('applies overrides in the schedule (the latest created wins) and refuses one for an outsider', async () => {
    const as = client(api.app, owner.token);
    const id = (
      await as.post(
        '/v1/oncall-rotations',
        rotation({ cadence: 'daily', handoffWeekday: null, startsAt: '2026-03-25T08:00:00Z' }),
      )
    ).json().id;
    const first = await as.post(`/v1/oncall-rotations/${id}/overrides`, {
      userId: viewer.userId,
      startsAt: '2026-03-26T10:00:00Z',
      endsAt: '2026-03-26T20:00:00Z',
    });
    expect(first.statusCode).toBe(201);
    const second = await as.post(`/v1/oncall-rotations/${id}/overrides`, {
      userId: owner.userId,
      startsAt: '2026-03-26T12:00:00Z',
      endsAt: '2026-03-26T14:00:00Z',
    });
    expect(second.statusCode).toBe(201);
    const schedule = await as.get(
      `/v1/oncall-rotations/${id}/schedule?from=2026-03-26T08:00:00Z&to=2026-03-27T08:00:00Z`,
    );
    expect(schedule.statusCode).toBe(200);
    expect(
      schedule.json().shifts.map((s: { userId: string; shiftStart: string }) => [s.userId, s.shiftStart]),
    ).toEqual([
      [member.userId, '2026-03-26T08:00:00.000Z'],
      [viewer.userId, '2026-03-26T10:00:00.000Z'],
      [owner.userId, '2026-03-26T12:00:00.000Z'],
      [viewer.userId, '2026-03-26T14:00:00.000Z'],
      [member.userId, '2026-03-26T20:00:00.000Z'],
    ]);
    const listed = (await as.get(`/v1/oncall-rotations/${id}/overrides`)).json();
    expect(listed.items.map((o: { id: string }) => o.id)).toEqual([second.json().id, first.json().id]);

    const outside = await as.post(`/v1/oncall-rotations/${id}/overrides`, {
      userId: outsider.userId,
      startsAt: '2026-03-26T10:00:00Z',
      endsAt: '2026-03-26T09:00:00Z',
    });
    expect(expectProblem(outside, 400).errors).toEqual([
      { path: 'endsAt', message: 'must be after the start' },
    ]);
    const stranger = await as.post(`/v1/oncall-rotations/${id}/overrides`, {
      userId: outsider.userId,
      startsAt: '2026-03-26T10:00:00Z',
      endsAt: '2026-03-26T11:00:00Z',
    });
    expect(expectProblem(stranger, 400).errors).toEqual([
      { path: 'userId', message: 'not a member of this organization' },
    ]);
    const tooLong = await as.get(
      `/v1/oncall-rotations/${id}/schedule?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z`,
    );
    expect(expectProblem(tooLong, 400).errors[0]?.path).toBe('to');

    expect((await as.delete(`/v1/oncall-rotations/${id}/overrides/${second.json().id}`)).statusCode).toBe(
      204,
    );
    expectProblem(await as.delete(`/v1/oncall-rotations/${id}/overrides/${second.json().id}`), 404);
  });

  it('hands a rotation off at its time: member A until the handoff, member B from it, by the database clock', async () => {
    const now = await databaseNow(testDb.db);
    // The next whole second at least two seconds ahead, as HH:MM:SS (HH:MM on a whole minute).
    const handoff = new Date(Math.ceil((now.getTime() + 2000) / 1000) * 1000);
    const hhmmss = canonicalHandoffTime(handoff.toISOString().slice(11, 19));
    const as = client(api.app, owner.token);
    const created = await as.post('/v1/oncall-rotations', {
      name: 'Handoff',
      cadence: 'daily',
      handoffTime: hhmmss,
      timeZone: 'UTC',
      startsAt: new Date(handoff.getTime() - 3_600_000).toISOString(),
      memberIds: [member.userId, owner.userId],
    });
    expect(created.statusCode).toBe(201);
    const { id, onCall } = created.json();
    expect(onCall).toMatchObject({ userId: member.userId, shiftEnd: handoff.toISOString() });

    const schedule = (
      await as.get(
        `/v1/oncall-rotations/${id}/schedule?from=${now.toISOString()}&to=${new Date(handoff.getTime() + 60_000).toISOString()}`,
      )
    ).json();
    expect(schedule.shifts.map((s: { userId: string; shiftEnd: string }) => [s.userId, s.shiftEnd])).toEqual([
      [member.userId, handoff.toISOString()],
      [owner.userId, new Date(handoff.getTime() + 86_400_000).toISOString()],
    ]);

    const before = await onCallInRotation(testDb.db, owner.orgId, id, new Date(handoff.getTime() - 1));
    const after = await onCallInRotation(testDb.db, owner.orgId, id, handoff);
    expect([before?.userId, after?.userId]).toEqual([member.userId, owner.userId]);
    expect(await onCallInRotation(testDb.db, outsider.orgId, id, handoff)).toBeNull();
  });
});

describe('personal channels', () => {
  const email = (to: string) => ({ type: 'email', name: 'My phone', config: { to: [to] }, personal: true });

  it('belong to the member who created them: listed to them and to admins, hidden from everyone else', async () => {
    const mine = await client(api.app, member.token).post('/v1/channels', email('me@example.com'));
    expect(mine.statusCode).toBe(201);
    const channel = mine.json();
    expect(channel).toMatchObject({ personal: true, userId: member.userId, isDefault: false });

    const listed = async (who: Session) =>
      (await client(api.app, who.token).get('/v1/channels')).json().items.map((c: { id: string }) => c.id);
    expect(await listed(member)).toContain(channel.id);
    expect(await listed(owner)).toContain(channel.id);
    expect(await listed(viewer)).not.toContain(channel.id);
    expectProblem(await client(api.app, viewer.token).get(`/v1/channels/${channel.id}`), 404);

    const row = await testDb.db
      .selectFrom('channels')
      .select('user_id')
      .where('id', '=', channel.id)
      .executeTakeFirst();
    expect(row?.user_id).toBe(member.userId);

    const byAdmin = await client(api.app, owner.token).patch(`/v1/channels/${channel.id}`, {
      name: 'Theirs',
    });
    expect(expectProblem(byAdmin, 403).detail).toMatch(/only by the member it belongs to/);
    const renamed = await client(api.app, member.token).patch(`/v1/channels/${channel.id}`, {
      name: 'Pager',
    });
    expect(renamed.json()).toMatchObject({ name: 'Pager', personal: true });
    expect((await client(api.app, owner.token).delete(`/v1/channels/${channel.id}`)).statusCode).toBe(204);
  });

  it('cannot be linked to a monitor, by their owner or anyone else', async () => {
    const mine = (await client(api.app, member.token).post('/v1/channels', email('me@example.com'))).json();
    for (const who of [owner, member]) {
      const linked = await client(api.app, who.token).post('/v1/monitors', {
        type: 'http',
        name: 'Linked',
        url: 'https://example.com/',
        channelIds: [mine.id],
      });
      expect(expectProblem(linked, 400).errors).toEqual([
        {
          path: 'channelIds',
          message: `a personal channel cannot be linked to a monitor (name its owner in an escalation policy instead): ${mine.id}`,
        },
      ]);
    }
  });

  it("go with their member: removing the member deletes their personal channels and no one else's", async () => {
    const leaving = await addMemberSession(api, owner, 'member');
    const theirs = (
      await client(api.app, leaving.token).post('/v1/channels', email('leaving@example.com'))
    ).json();
    const kept = (await client(api.app, member.token).post('/v1/channels', email('me@example.com'))).json();
    const removed = await client(api.app, owner.token).delete(`/v1/members/${leaving.userId}`);
    expect(removed.statusCode).toBe(204);

    const left = await testDb.db
      .selectFrom('channels')
      .select('id')
      .where('id', 'in', [theirs.id, kept.id])
      .execute();
    expect(left.map((r) => r.id)).toEqual([kept.id]);
  });

  it('are refused as defaults and to API keys, which act for nobody in particular', async () => {
    const asDefault = await client(api.app, member.token).post('/v1/channels', {
      ...email('me@example.com'),
      isDefault: true,
    });
    expect(expectProblem(asDefault, 400).errors).toEqual([
      { path: 'isDefault', message: 'a personal channel cannot be a default' },
    ]);
    const key = (
      await client(api.app, owner.token).post('/v1/api-keys', { name: 'ci', role: 'member' })
    ).json().key;
    expectProblem(await client(api.app, key).post('/v1/channels', email('ci@example.com')), 403);
  });
});
