import { randomUUID } from 'node:crypto';
import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsOf } from './fixtures';
import { type ProcessStack, signUp, startProcessStack } from './process-stack';
import { type Receiver, startReceiver } from './receiver';
import { waitFor } from './scenario';

/**
 * Dependencies and groups with a real API process and a real verifier process. Monitors, groups and
 * dependencies are made through the API as a user makes them; results reach the verifier as a worker
 * writes them (rows, then a verification job), in 10 s slots of the real clock; alerts land at a
 * local webhook receiver, one path per channel.
 */

const hookSecret = `whsec_${randomUUID()}`;
const paths = ['/core-db', '/checkout', '/edge', '/shop', '/replica-a', '/replica-b', '/cluster'];

let stack: ProcessStack;
let hooks: Receiver;
let api: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  hooks = await startReceiver(Object.fromEntries(paths.map((path) => [path, hookSecret])));
  stack = await startProcessStack({ apiEnv: { ALLOW_PRIVATE_TARGETS: 'true' } });
  const verifier = stack.startVerifier();
  await verifier.listeningPort(60_000);
  api = await signUp(stack.apiUrl, 'Dependencies E2E');
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await hooks?.close();
});

/** Creates through the API; the new resource's id. */
async function created(path: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The channel of each receiver path. */
const channelAt = new Map<string, string>();

/** A signed webhook channel to the receiver's `path`. */
async function channel(path: string): Promise<string> {
  const id = await created('/v1/channels', {
    type: 'webhook',
    name: `hook ${path}`,
    config: { url: hooks.url(path), secret: hookSecret },
  });
  channelAt.set(path, id);
  return id;
}

/** A 10 s HTTP monitor alerting on `channelIds`, with any other fields of the create body. */
const monitor = (name: string, channelIds: string[], fields: Record<string, unknown> = {}) =>
  created('/v1/monitors', {
    name,
    type: 'http',
    url: 'https://shop.example.com/health',
    intervalSeconds: 10,
    timeoutMs: 2_000,
    channelIds,
    ...fields,
  });

const feed = (monitorId: string, outcomes: boolean[], fromSlot: number) =>
  stack.feedResults(api.orgId, monitorId, outcomes, fromSlot);

/** What the receiver got at `path`: each delivery's event, in order. */
const events = (path: string) => hooks.at(path).map((hit) => hit.body.event);

interface Incident {
  id: string;
  status: 'open' | 'resolved';
  openedAt: string;
  cause: string | null;
  suppressedBy: string | null;
  releasedAt: string | null;
}

/** The monitor's incidents as the API lists them, oldest first. */
async function incidents(monitorId: string): Promise<Incident[]> {
  const res = await api.call('GET', `/v1/incidents?monitorId=${monitorId}`);
  expect(res.status).toBe(200);
  return (res.body.items as unknown as Incident[]).sort((x, y) => x.openedAt.localeCompare(y.openedAt));
}

async function group(groupId: string) {
  const res = await api.call('GET', `/v1/monitor-groups/${groupId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The monitor's own alert rows (the outbox; a group's alerts left out), oldest first. */
async function outbox(monitorId: string): Promise<[string, string][]> {
  return (await alertsOf(stack.tdb.db, monitorId))
    .filter((alert) => alert.group_incident_id === null)
    .map((alert) => [alert.event, alert.status]);
}

/** Waits until no alert of the monitor is pending: each is sent, failed or suppressed. */
async function settled(monitorId: string) {
  await waitFor(
    async () => (await alertsOf(stack.tdb.db, monitorId)).every((alert) => alert.status !== 'pending'),
    30_000,
    `the alerts of ${monitorId} to settle`,
  );
}

/** Each alert sent on the channel at `path` reached it exactly once, signed, and nothing else did. */
async function deliveredOnce(path: string) {
  const sent = await stack.tdb.db
    .selectFrom('alerts')
    .select('id')
    .where('channel_id', '=', channelAt.get(path) ?? '')
    .where('status', '=', 'sent')
    .execute();
  const hits = hooks.at(path);
  expect(hits.every((hit) => hit.signatureValid)).toBe(true);
  expect(hits.map((hit) => hit.body.id).sort()).toEqual(sent.map((row) => row.id).sort());
}

describe('dependencies and groups, with a real API and verifier', () => {
  it('a child stays silent while its parent is down, and alerts normally once the parent is up', async () => {
    const parent = await monitor('Core DB', [await channel('/core-db')]);
    const child = await monitor('Checkout API', [await channel('/checkout')], {
      dependsOn: { monitorIds: [parent] },
    });

    await stack.goDown(api.orgId, parent);
    await waitFor(() => events('/core-db').length === 1, 30_000, "the parent's down alert");
    const childDownThrough = await stack.goDown(api.orgId, child);
    await waitFor(async () => (await incidents(child)).length === 1, 30_000, "the child's incident");
    // Every failed slot fed is judged while the parent is down: a later one judged after the parent's
    // recovery would (rightly) release the held down.
    await stack.consumedThrough(child, childDownThrough, "the child's failed slots");
    const [held] = await incidents(child);
    expect(held).toMatchObject({
      status: 'open',
      suppressedBy: 'parent "Core DB" is down',
      cause: 'parent "Core DB" is down; HTTP 500',
      releasedAt: null,
    });
    expect(await outbox(child)).toEqual([['monitor.down', 'suppressed']]);

    // The parent recovers. Its up, written after the child's held down, reaches the receiver; the
    // child's down did not, and no later verification of the child has run yet to release it.
    await stack.goUp(api.orgId, parent);
    await waitFor(() => events('/core-db').length === 2, 30_000, "the parent's up alert");
    expect(events('/core-db')).toEqual(['monitor.down', 'monitor.up']);
    expect(events('/checkout')).toEqual([]);
    expect(await outbox(child)).toEqual([['monitor.down', 'suppressed']]);

    // The child is still down at its next slot: its held down goes out now, then its up in time.
    await feed(child, [false], 4);
    await waitFor(() => events('/checkout').length === 1, 30_000, "the child's released down");
    const [released] = await incidents(child);
    expect(released).toMatchObject({
      id: held?.id,
      status: 'open',
      suppressedBy: 'parent "Core DB" is down',
    });
    expect(released?.releasedAt).toEqual(expect.any(String));
    expect(hooks.at('/checkout')[0]?.body).toMatchObject({
      event: 'monitor.down',
      incident: { id: held?.id },
    });
    await feed(child, [true, true], 5);
    await waitFor(() => events('/checkout').length === 2, 30_000, "the child's up");
    expect((await incidents(child))[0]).toMatchObject({ id: held?.id, status: 'resolved' });

    // A new outage of the child while its parent is up is alerted at once, as any monitor's.
    await feed(child, [false, false], 7);
    await waitFor(() => events('/checkout').length === 3, 30_000, "the child's second down");
    await settled(child);
    const [, fresh] = await incidents(child);
    expect(fresh).toMatchObject({ status: 'open', suppressedBy: null, releasedAt: null, cause: 'HTTP 500' });
    expect(hooks.at('/checkout')[2]?.body).toMatchObject({
      event: 'monitor.down',
      incident: { id: fresh?.id },
    });
    expect(events('/checkout')).toEqual(['monitor.down', 'monitor.up', 'monitor.down']);
    expect(await outbox(child)).toEqual([
      ['monitor.down', 'suppressed'],
      ['monitor.down', 'sent'],
      ['monitor.up', 'sent'],
      ['monitor.down', 'sent'],
    ]);
    await deliveredOnce('/checkout');
  }, 120_000);

  it('a child of a group stays silent while a member is down, its recovery included, and alerts normally once the group is up', async () => {
    const edge = await monitor('Edge', [await channel('/edge')]);
    const network = await created('/v1/monitor-groups', { name: 'Network', monitorIds: [edge] });
    const shop = await monitor('Shop', [await channel('/shop')], { dependsOn: { groupIds: [network] } });

    await stack.goDown(api.orgId, edge);
    await waitFor(() => events('/edge').length === 1, 30_000, "the member's down alert");
    expect(await group(network)).toMatchObject({ status: 'down', incident: null });
    await stack.goDown(api.orgId, shop);
    await waitFor(async () => (await incidents(shop)).length === 1, 30_000, "the child's incident");
    expect((await incidents(shop))[0]).toMatchObject({
      status: 'open',
      suppressedBy: 'parent "Network" is down',
      cause: 'parent "Network" is down; HTTP 500',
    });

    // The child recovers while the group is still down: its up is held too.
    await stack.goUp(api.orgId, shop);
    await waitFor(
      async () => (await incidents(shop))[0]?.status === 'resolved',
      30_000,
      "the child's incident to resolve",
    );
    const [incident] = await incidents(shop);
    expect(incident).toMatchObject({ suppressedBy: 'parent "Network" is down', releasedAt: null });
    expect(await outbox(shop)).toEqual([
      ['monitor.down', 'suppressed'],
      ['monitor.up', 'suppressed'],
    ]);

    // The member recovers: its up, written after the child's held alerts, is delivered; the child
    // was never heard of.
    await stack.goUp(api.orgId, edge);
    await waitFor(() => events('/edge').length === 2, 30_000, "the member's up alert");
    expect(await group(network)).toMatchObject({ status: 'up' });
    expect(events('/edge')).toEqual(['monitor.down', 'monitor.up']);
    expect(events('/shop')).toEqual([]);

    // With the group up, a new outage of the child is alerted normally.
    await feed(shop, [false, false], 6);
    await waitFor(() => events('/shop').length === 1, 30_000, "the child's second down");
    await settled(shop);
    const [, fresh] = await incidents(shop);
    expect(fresh).toMatchObject({ status: 'open', suppressedBy: null, cause: 'HTTP 500' });
    expect(hooks.at('/shop')[0]?.body).toMatchObject({ event: 'monitor.down', incident: { id: fresh?.id } });
    expect(await outbox(shop)).toEqual([
      ['monitor.down', 'suppressed'],
      ['monitor.up', 'suppressed'],
      ['monitor.down', 'sent'],
    ]);
    await deliveredOnce('/shop');
  }, 120_000);

  it('a group alerted as one sends one down and one up for all its members, on each channel once', async () => {
    const shared = await channel('/cluster');
    const a = await monitor('Replica A', [await channel('/replica-a'), shared]);
    const b = await monitor('Replica B', [await channel('/replica-b'), shared]);
    const cluster = await created('/v1/monitor-groups', {
      name: 'Database cluster',
      alertAsOne: true,
      monitorIds: [a, b],
    });
    const all = ['/cluster', '/replica-a', '/replica-b'];

    await stack.goDown(api.orgId, a);
    await waitFor(() => all.every((path) => events(path).length === 1), 30_000, "the group's down");
    // B goes down too: its own incident is recorded, and the group's one incident stays the one.
    await stack.goDown(api.orgId, b);
    await waitFor(async () => (await incidents(b)).length === 1, 30_000, "B's incident");
    // A recovers; the group stays down while B is.
    await stack.goUp(api.orgId, a);
    await waitFor(async () => (await incidents(a))[0]?.status === 'resolved', 30_000, "A's recovery");
    const open = await group(cluster);
    expect(open).toMatchObject({ status: 'down', incident: { cause: '"Replica A" is down: HTTP 500' } });
    // B recovers: the group is up, once on each channel.
    await stack.goUp(api.orgId, b);
    await waitFor(() => all.every((path) => events(path).length === 2), 30_000, "the group's up");
    await settled(a);
    await settled(b);
    expect(await group(cluster)).toMatchObject({ status: 'up', incident: null });
    for (const path of all) expect(events(path), path).toEqual(['monitor.down', 'monitor.up']);

    const [down, up] = hooks.at('/cluster').map((hit) => hit.body as unknown as AlertPayload);
    expect(down).toMatchObject({
      monitor: { id: a, name: 'Database cluster' },
      group: { id: cluster, name: 'Database cluster' },
      cause: '"Replica A" is down: HTTP 500',
      incident: { id: (open.incident as { id: string }).id },
    });
    expect(up).toMatchObject({ monitor: { id: b }, incident: { id: down?.incident?.id } });
    // Each member's own incident is recorded; its own alerts are replaced by the group's.
    for (const m of [a, b]) {
      expect(await incidents(m)).toMatchObject([{ status: 'resolved' }]);
      const own = await outbox(m);
      expect(own.length).toBeGreaterThan(0);
      expect(own.every(([, status]) => status === 'suppressed')).toBe(true);
    }
    const groupIncidents = await stack.tdb.db
      .selectFrom('monitor_group_incidents')
      .selectAll()
      .where('group_id', '=', cluster)
      .execute();
    expect(groupIncidents).toMatchObject([{ status: 'resolved', opened_by: a }]);
    const groupAlerts = await stack.tdb.db
      .selectFrom('alerts')
      .select(['channel_id', 'event', 'status'])
      .where('group_incident_id', '=', groupIncidents[0]?.id ?? '')
      .execute();
    expect(groupAlerts).toHaveLength(6);
    expect(groupAlerts.every((alert) => alert.status === 'sent')).toBe(true);
    expect(groupAlerts.filter((alert) => alert.channel_id === shared)).toHaveLength(2);
    for (const path of all) await deliveredOnce(path);
  }, 120_000);
});
