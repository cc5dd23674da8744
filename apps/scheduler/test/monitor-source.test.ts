import { monitorConfigSchema, SECRET_MASK, shardOf, toCheckSpec } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { createLogger } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMonitor, loadShardMonitors, monitorSpec, scanShardMonitorIds } from '../src/monitor-source';
import { insertMonitor, insertOrg, monitorConfig } from './helpers';

const logger = createLogger('scheduler-test', 'silent');
const SECRETS = ['pw-in-url-1', 'key-in-query-2', 'header-secret-3', 'cookie-secret-4'];

let t: TestDatabase;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = await insertOrg(t.db);
});

afterAll(async () => {
  await t?.drop();
});

describe('the memory-lean monitor', () => {
  it('gives back exactly the check spec built from the stored config, secrets masked', async () => {
    const overrides = {
      url: 'http://deploy:pw-in-url-1@127.0.0.1:9/health?api_key=key-in-query-2',
      headers: {
        Authorization: 'Bearer header-secret-3',
        Cookie: 'sid=cookie-secret-4',
        accept: 'text/plain',
      },
      assertions: [
        { source: 'status', op: 'between', value: [200, 299] },
        { source: 'body', op: 'contains', value: 'ok' },
      ],
      regions: ['local', 'eu'],
    };
    const monitorId = await insertMonitor(t.db, orgId, overrides);
    const row = await t.db
      .selectFrom('monitors')
      .select(['config', 'updated_at'])
      .where('id', '=', monitorId)
      .executeTakeFirstOrThrow();
    const loaded = await loadMonitor(t.db, { orgId, monitorId, logger });
    if (!loaded) throw new Error('the monitor did not load');

    const { channelIds: _channelIds, ...config } = monitorConfigSchema.parse({
      channelIds: [],
      ...row.config,
    });
    const expected = toCheckSpec(orgId, monitorId, config, row.updated_at.getTime());
    expect(monitorSpec(loaded)).toStrictEqual(expected);
    expect(monitorSpec(loaded)).toMatchObject({
      url: `http://deploy:${SECRET_MASK}@127.0.0.1:9/health?api_key=${SECRET_MASK}`,
      headers: { Authorization: SECRET_MASK, Cookie: SECRET_MASK, accept: 'text/plain' },
      secretsVersion: row.updated_at.getTime(),
    });
    for (const secret of SECRETS) expect(`${loaded.template.json}${loaded.own}`).not.toContain(secret);
    expect(loaded).toMatchObject({ id: monitorId, orgId, regions: ['local', 'eu'], intervalSeconds: 2 });
    expect(loaded.version).toBe(row.updated_at.getTime());
  });

  it('hands every job its own spec object; monitors alike share one region list and one spec shape', async () => {
    const a = await insertMonitor(t.db, orgId, { regions: ['local', 'eu'] });
    const b = await insertMonitor(t.db, orgId, { regions: ['local', 'eu'] });
    const [first, second] = await Promise.all(
      [a, b].map((monitorId) => loadMonitor(t.db, { orgId, monitorId, logger })),
    );
    if (!first || !second) throw new Error('the monitors did not load');
    expect(second.regions).toBe(first.regions);
    expect(second.template).toBe(first.template);
    expect(monitorSpec(second)).toMatchObject({ id: b, orgId });
    expect(Object.isFrozen(first.regions)).toBe(true);
    const spec = monitorSpec(first);
    spec.name = 'changed by a caller';
    expect(monitorSpec(first).name).toBe(monitorConfig().name);
  });
});

describe('scanShardMonitorIds', () => {
  it('visits the id of every active monitor of the given shards once, and no other', async () => {
    await t.db.deleteFrom('monitors').execute();
    const active = await Promise.all(Array.from({ length: 40 }, () => insertMonitor(t.db, orgId)));
    await insertMonitor(t.db, orgId, { paused: true });
    const shards = new Set([0, 2]);
    const visited: Array<[number, string]> = [];
    await scanShardMonitorIds(t.db, { shards, totalShards: 4 }, (shard, id) => visited.push([shard, id]));
    const expected = active
      .filter((id) => shards.has(shardOf(id, 4)))
      .map((id): [number, string] => [shardOf(id, 4), id]);
    expect(visited.sort()).toEqual(expected.sort());
    const loaded = await loadShardMonitors(t.db, { shards, totalShards: 4, logger });
    expect(
      [...loaded.values()]
        .flat()
        .map((m) => m.id)
        .sort(),
    ).toEqual(expected.map(([, id]) => id).sort());
  });
});
