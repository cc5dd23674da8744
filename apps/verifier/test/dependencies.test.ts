import { randomUUID } from 'node:crypto';
import { type AlertPayload, VERIFY_QUEUE } from '@sentinelmesh/core';
import {
  createTestDatabase,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sentinelmesh/db/testing';
import { createLogger, createRedis, SecretBox } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type Notifier } from '../src/notify/notifier';
import { createVerifier, type VerifierEngine } from '../src/verifier';
import { alertsOf, createChannel, createMonitor, createOrg, incidentsOf, TEST_SECRETS_KEY } from './fixtures';
import { type Receiver, startReceiver } from './receiver';
import { playSlots, type ScenarioDeps, type ScriptedMonitor, type World, waitFor } from './scenario';

const box = new SecretBox(TEST_SECRETS_KEY);
const logger = createLogger('dependencies-test', 'silent');
const notifyPolicy = { attempts: 5, backoff: { type: 'fixed' as const, delay: 50 } };
const intervalMs = 10_000;

let tdb: TestDatabase;
let redis: Redis;
let hooks: Receiver;
let verifyQueue: Queue;
let engine: VerifierEngine;
let notifier: Notifier;
let now = 0;
let deps: ScenarioDeps;
const base = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const slot = (k: number) => base + k * intervalMs;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = createRedis(testRedisUrl());
  const prefix = uniqueQueuePrefix();
  hooks = await startReceiver({});
  verifyQueue = new Queue(VERIFY_QUEUE, { connection: redis, prefix });
  const common = { db: tdb.db, connection: redis, prefix, logger, notifyPolicy };
  engine = createVerifier({ ...common, regions: ['eu'], clock: () => now, tickIntervalMs: 100 });
  notifier = createNotifier({
    ...common,
    secretBox: box,
    allowPrivateTargets: true,
    dashboardUrl: 'https://dash.example.com',
  });
  engine.start();
  notifier.start();
  deps = { db: tdb.db, verifyQueue, setNow: (ms) => (now = ms) };
});

afterAll(async () => {
  await engine?.close();
  await notifier?.close();
  await verifyQueue?.close();
  await hooks?.close();
  await redis?.quit();
  await tdb?.drop();
});

/** A one-region monitor with its own webhook channel at `/hook/<monitor id>`. */
async function monitor(orgId: string, name: string): Promise<ScriptedMonitor> {
  const monitorId = await createMonitor(tdb.db, orgId, { name, regions: ['eu'], intervalSeconds: 10 });
  await createChannel(tdb.db, box, {
    orgId,
    monitorIds: [monitorId],
    type: 'webhook',
    config: { url: hooks.url(`/hook/${monitorId}`) },
    secrets: { secret: `whsec_${randomUUID()}` },
  });
  return { orgId, monitorId, regions: ['eu'], intervalMs };
}

/** Plays slots `from`..`to` of every monitor, slot by slot, so their states change in step. */
async function play(monitors: [ScriptedMonitor, World][], from: number, to: number) {
  for (let k = from; k <= to; k++) {
    for (const [m, world] of monitors) await playSlots(deps, m, world, slot(k), 1);
  }
}

const downBetween =
  (from: number, to: number): World =>
  (t) =>
    t < slot(from) || t >= slot(to);

const events = (monitorId: string) => hooks.at(`/hook/${monitorId}`).map((r) => r.body.event);

async function settled(monitorId: string) {
  await waitFor(
    async () => (await alertsOf(tdb.db, monitorId)).every((a) => a.status !== 'pending'),
    10_000,
    `alerts of ${monitorId} to settle`,
  );
}

describe('dependencies and groups in the verifier', () => {
  it('a child stays silent while its parent is down, and alerts once the parent is up and it is still down', async () => {
    const orgId = await createOrg(tdb.db);
    const parent = await monitor(orgId, 'Core DB');
    const child = await monitor(orgId, 'Checkout API');
    await tdb.db
      .insertInto('monitor_dependencies')
      .values({
        org_id: orgId,
        monitor_id: child.monitorId,
        parent_monitor_id: parent.monitorId,
        parent_group_id: null,
      })
      .execute();
    const parentWorld = downBetween(2, 10);
    const childWorld = downBetween(4, 16);

    await play(
      [
        [parent, parentWorld],
        [child, childWorld],
      ],
      0,
      9,
    );
    await settled(parent.monitorId);
    await settled(child.monitorId);
    const [held] = await incidentsOf(tdb.db, child.monitorId);
    expect(held).toMatchObject({
      status: 'open',
      suppressed_by: 'parent "Core DB" is down',
      released_at: null,
    });
    expect(held?.cause).toBe('parent "Core DB" is down; HTTP 500');
    expect((await alertsOf(tdb.db, child.monitorId)).map((a) => [a.event, a.status])).toEqual([
      ['monitor.down', 'suppressed'],
    ]);
    expect(events(parent.monitorId)).toEqual(['monitor.down']);
    expect(events(child.monitorId)).toEqual([]);

    // The parent recovers; the child is still down: its down goes out now, then its up in time.
    await play(
      [
        [parent, parentWorld],
        [child, childWorld],
      ],
      10,
      19,
    );
    await waitFor(() => events(child.monitorId).length === 2, 10_000, 'the child to alert');
    expect(events(parent.monitorId)).toEqual(['monitor.down', 'monitor.up']);
    expect(events(child.monitorId)).toEqual(['monitor.down', 'monitor.up']);
    const [released] = await incidentsOf(tdb.db, child.monitorId);
    expect(released).toMatchObject({ status: 'resolved', suppressed_by: 'parent "Core DB" is down' });
    expect(released?.released_at).toBeInstanceOf(Date);
    const delivered = hooks.at(`/hook/${child.monitorId}`);
    expect(delivered[0]?.body).toMatchObject({ event: 'monitor.down', incident: { id: released?.id } });
  });

  it('a child that recovers while its parent is still down sends nothing at all', async () => {
    const orgId = await createOrg(tdb.db);
    const parent = await monitor(orgId, 'Edge');
    const child = await monitor(orgId, 'Shop');
    const group = await tdb.db
      .insertInto('monitor_groups')
      .values({ org_id: orgId, name: 'Network', updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tdb.db
      .updateTable('monitors')
      .set({ group_id: group.id })
      .where('id', '=', parent.monitorId)
      .execute();
    await tdb.db
      .insertInto('monitor_dependencies')
      .values({
        org_id: orgId,
        monitor_id: child.monitorId,
        parent_monitor_id: null,
        parent_group_id: group.id,
      })
      .execute();

    await play(
      [
        [parent, downBetween(2, 30)],
        [child, downBetween(4, 9)],
      ],
      0,
      13,
    );
    await settled(child.monitorId);
    const [incident] = await incidentsOf(tdb.db, child.monitorId);
    expect(incident).toMatchObject({
      status: 'resolved',
      suppressed_by: 'parent "Network" is down',
      released_at: null,
    });
    expect((await alertsOf(tdb.db, child.monitorId)).map((a) => [a.event, a.status])).toEqual([
      ['monitor.down', 'suppressed'],
      ['monitor.up', 'suppressed'],
    ]);
    expect(events(child.monitorId)).toEqual([]);
    expect(events(parent.monitorId)).toEqual(['monitor.down']);
  });

  it('a group alerted as one sends one down and one up for all its members, on each channel once', async () => {
    const orgId = await createOrg(tdb.db);
    const a = await monitor(orgId, 'Replica A');
    const b = await monitor(orgId, 'Replica B');
    const group = await tdb.db
      .insertInto('monitor_groups')
      .values({ org_id: orgId, name: 'Database cluster', alert_as_one: true, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tdb.db
      .updateTable('monitors')
      .set({ group_id: group.id })
      .where('id', 'in', [a.monitorId, b.monitorId])
      .execute();
    // One shared channel as well as each member's own: the shared one hears the group once.
    const shared = await createChannel(tdb.db, box, {
      orgId,
      monitorIds: [a.monitorId, b.monitorId],
      type: 'webhook',
      config: { url: hooks.url(`/hook/${group.id}`) },
      secrets: { secret: 'whsec_shared' },
    });

    await play(
      [
        [a, downBetween(2, 8)],
        [b, downBetween(3, 11)],
      ],
      0,
      15,
    );
    await waitFor(() => events(group.id).length === 2, 10_000, 'the group alerts');
    await settled(a.monitorId);
    await settled(b.monitorId);
    expect(events(group.id)).toEqual(['monitor.down', 'monitor.up']);
    expect(events(a.monitorId)).toEqual(['monitor.down', 'monitor.up']);
    expect(events(b.monitorId)).toEqual(['monitor.down', 'monitor.up']);
    const [down, up] = hooks.at(`/hook/${group.id}`).map((r) => r.body as unknown as AlertPayload);
    expect(down).toMatchObject({
      monitor: { id: a.monitorId, name: 'Database cluster' },
      group: { id: group.id, name: 'Database cluster' },
      cause: '"Replica A" is down: HTTP 500',
    });
    expect(down?.incident?.id).toEqual(expect.any(String));
    expect(up).toMatchObject({
      monitor: { id: b.monitorId },
      incident: { id: down?.incident?.id },
    });
    // Each member's own incident is recorded; its own alerts are replaced by the group's.
    for (const m of [a, b]) {
      expect(await incidentsOf(tdb.db, m.monitorId)).toHaveLength(1);
      const own = (await alertsOf(tdb.db, m.monitorId)).filter((x) => x.group_incident_id === null);
      expect(own.every((x) => x.status === 'suppressed')).toBe(true);
    }
    const incidents = await tdb.db
      .selectFrom('monitor_group_incidents')
      .selectAll()
      .where('group_id', '=', group.id)
      .execute();
    expect(incidents).toMatchObject([{ status: 'resolved', opened_by: a.monitorId }]);
    const groupAlerts = await tdb.db
      .selectFrom('alerts')
      .select(['channel_id', 'event', 'status'])
      .where('group_incident_id', '=', incidents[0]?.id ?? '')
      .execute();
    expect(groupAlerts.filter((x) => x.channel_id === shared)).toHaveLength(2);
    expect(groupAlerts).toHaveLength(6);
  });
});
