import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, httpMonitor, type Session, signupUser, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let as: ReturnType<typeof client>;
let asOther: ReturnType<typeof client>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Deps Org');
  other = await signupUser(api.app, 'Other Org');
  as = client(api.app, owner.token);
  asOther = client(api.app, other.token);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

async function monitor(name: string, extra: Record<string, unknown> = {}, who = as) {
  const res = await who.post('/v1/monitors', httpMonitor({ name, ...extra }));
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as {
    id: string;
    groupId: string | null;
    dependsOn: { monitorIds: string[]; groupIds: string[] };
  };
}

async function group(name: string, extra: Record<string, unknown> = {}, who = as) {
  const res = await who.post('/v1/monitor-groups', { name, ...extra });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; monitorIds: string[]; alertAsOne: boolean };
}

describe('monitor groups and dependencies', () => {
  it('creates a group, and a monitor that joins it and depends on a monitor and a group', async () => {
    const db = await monitor('Database');
    const network = await group('Network', { alertAsOne: true });
    const api = await monitor('API', { groupId: network.id, dependsOn: { monitorIds: [db.id] } });
    expect(api.groupId).toBe(network.id);
    expect(api.dependsOn).toEqual({ monitorIds: [db.id], groupIds: [] });
    const shop = await monitor('Shop', { dependsOn: { monitorIds: [db.id], groupIds: [network.id] } });
    expect((await as.get(`/v1/monitors/${shop.id}`)).json().dependsOn).toEqual({
      monitorIds: [db.id],
      groupIds: [network.id],
    });
    const got = (await as.get(`/v1/monitor-groups/${network.id}`)).json();
    expect(got).toMatchObject({
      name: 'Network',
      alertAsOne: true,
      monitorIds: [api.id],
      status: 'up',
      incident: null,
    });
    expect((await as.get('/v1/monitor-groups')).json().items.map((g: { id: string }) => g.id)).toContain(
      network.id,
    );

    // The group sets its members too: the API leaves, the database joins.
    const patched = await as.patch(`/v1/monitor-groups/${network.id}`, { monitorIds: [db.id], name: 'Core' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Core', monitorIds: [db.id] });
    expect((await as.get(`/v1/monitors/${api.id}`)).json().groupId).toBeNull();

    // A PATCH replaces the parents; none given leaves them as they are.
    expect((await as.patch(`/v1/monitors/${shop.id}`, { name: 'Shop 2' })).json().dependsOn.groupIds).toEqual(
      [network.id],
    );
    const cleared = await as.patch(`/v1/monitors/${shop.id}`, { dependsOn: { monitorIds: [] } });
    expect(cleared.json().dependsOn).toEqual({ monitorIds: [], groupIds: [] });

    // Deleting the group keeps its members (without a group) and drops dependencies on it.
    await as.patch(`/v1/monitors/${shop.id}`, { dependsOn: { groupIds: [network.id] } });
    expect((await as.delete(`/v1/monitor-groups/${network.id}`)).statusCode).toBe(204);
    expect((await as.get(`/v1/monitors/${db.id}`)).json().groupId).toBeNull();
    expect((await as.get(`/v1/monitors/${shop.id}`)).json().dependsOn).toEqual({
      monitorIds: [],
      groupIds: [],
    });
    expect((await as.get(`/v1/monitor-groups/${network.id}`)).statusCode).toBe(404);
  });

  it('refuses a cycle with a problem naming it, and changes nothing', async () => {
    const a = await monitor('A');
    const b = await monitor('B', { dependsOn: { monitorIds: [a.id] } });
    const c = await monitor('C', { dependsOn: { monitorIds: [b.id] } });
    const res = await as.patch(`/v1/monitors/${a.id}`, { name: 'A2', dependsOn: { monitorIds: [c.id] } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([
      {
        path: 'dependsOn',
        message:
          'would make a dependency cycle: monitor "A2" depends on monitor "C" depends on monitor "B" depends on monitor "A2"',
      },
    ]);
    const after = (await as.get(`/v1/monitors/${a.id}`)).json();
    expect(after).toMatchObject({ name: 'A', dependsOn: { monitorIds: [], groupIds: [] } });

    const self = await as.patch(`/v1/monitors/${a.id}`, { dependsOn: { monitorIds: [a.id] } });
    expect(self.statusCode).toBe(400);
    expect(self.json().errors).toEqual([
      { path: 'dependsOn.monitorIds', message: 'a monitor cannot depend on itself' },
    ]);

    // Through a group: a monitor cannot depend on the group it is in, set from either side.
    const g = await group('G');
    const member = await monitor('Member', { dependsOn: { groupIds: [g.id] } });
    const join = await as.patch(`/v1/monitors/${member.id}`, { groupId: g.id });
    expect(join.statusCode).toBe(400);
    expect(join.json().errors[0]).toMatchObject({
      path: 'groupId',
      message: expect.stringContaining('cycle'),
    });
    const fromGroup = await as.patch(`/v1/monitor-groups/${g.id}`, { monitorIds: [member.id] });
    expect(fromGroup.statusCode).toBe(400);
    expect(fromGroup.json().errors[0]).toMatchObject({
      path: 'monitorIds',
      message: expect.stringContaining('cycle'),
    });
    expect((await as.get(`/v1/monitor-groups/${g.id}`)).json().monitorIds).toEqual([]);
  });

  it("cannot depend on, join or gather another organization's monitors and groups", async () => {
    const theirs = await monitor('Theirs', {}, asOther);
    const theirGroup = await group('Their group', {}, asOther);
    const mine = await monitor('Mine');
    const byMonitor = await as.patch(`/v1/monitors/${mine.id}`, { dependsOn: { monitorIds: [theirs.id] } });
    expect(byMonitor.statusCode).toBe(400);
    expect(byMonitor.json().errors).toEqual([
      { path: 'dependsOn.monitorIds', message: `no such monitor: ${theirs.id}` },
    ]);
    const byGroup = await as.post(
      '/v1/monitors',
      httpMonitor({ name: 'x', dependsOn: { groupIds: [theirGroup.id] } }),
    );
    expect(byGroup.statusCode).toBe(400);
    expect(byGroup.json().errors).toEqual([
      { path: 'dependsOn.groupIds', message: `no such group: ${theirGroup.id}` },
    ]);
    expect((await as.patch(`/v1/monitors/${mine.id}`, { groupId: theirGroup.id })).statusCode).toBe(400);
    const gather = await as.post('/v1/monitor-groups', { name: 'grab', monitorIds: [theirs.id] });
    expect(gather.statusCode).toBe(400);
    expect((await as.get(`/v1/monitor-groups/${theirGroup.id}`)).statusCode).toBe(404);
    expect((await as.patch(`/v1/monitor-groups/${theirGroup.id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await as.delete(`/v1/monitor-groups/${theirGroup.id}`)).statusCode).toBe(404);
    expect((await asOther.get(`/v1/monitors/${theirs.id}`)).json().groupId).toBeNull();
    const rows = await testDb.db
      .selectFrom('monitor_dependencies')
      .selectAll()
      .where('monitor_id', '=', mine.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('incidents whose alerts were held', () => {
  it('show why, and acknowledging one tells none of the channels its held alerts never reached', async () => {
    const channel = (
      await as.post('/v1/channels', {
        type: 'webhook',
        name: 'hook',
        config: { url: 'https://hooks.example.com/x' },
      })
    ).json() as { id: string };
    const child = await monitor('Child', { channelIds: [channel.id] });
    const incident = await testDb.db
      .insertInto('incidents')
      .values({
        org_id: owner.orgId,
        monitor_id: child.id,
        status: 'open',
        opened_at: new Date(),
        cause: 'parent "Core" is down; HTTP 500',
        suppressed_by: 'parent "Core" is down',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await testDb.db
      .insertInto('alerts')
      .values({
        org_id: owner.orgId,
        incident_id: incident.id,
        monitor_id: child.id,
        channel_id: channel.id,
        event: 'monitor.down',
        status: 'suppressed',
        payload: JSON.stringify({ id: 'x', event: 'monitor.down' }),
        dedup_key: `${child.id}:monitor.down:1`,
      })
      .execute();
    const shown = (await as.get(`/v1/incidents/${incident.id}`)).json();
    expect(shown).toMatchObject({ suppressedBy: 'parent "Core" is down', releasedAt: null });
    expect((await as.get(`/v1/alerts?incidentId=${incident.id}`)).json().items).toMatchObject([
      { event: 'monitor.down', status: 'suppressed' },
    ]);
    expect((await as.post(`/v1/incidents/${incident.id}/acknowledge`, {})).statusCode).toBe(200);
    const acks = await testDb.db
      .selectFrom('alerts')
      .select('id')
      .where('incident_id', '=', incident.id)
      .where('event', '=', 'incident.acknowledged')
      .execute();
    expect(acks).toEqual([]);
  });
});
