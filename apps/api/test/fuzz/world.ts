import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import type { App } from '../../src/app';
import { client, httpMonitor, type Session, signupUser } from '../helpers';

/** An owner and one existing object of each kind, so fuzzed paths reach the handlers behind them. */
export interface World {
  owner: Session;
  heartbeatId: string;
  /** Values for path parameters, by `<segment before it>:<parameter name>`. */
  pathValues: Record<string, string>;
  /** Values for body and query fields that must name existing objects, by field name. */
  byName: Record<string, unknown>;
}

async function created(res: Promise<{ statusCode: number; body: string }>, what: string) {
  const r = await res;
  if (r.statusCode !== 201) throw new Error(`creating the ${what} fixture failed: ${r.statusCode} ${r.body}`);
  return JSON.parse(r.body) as Record<string, unknown> & { id: string };
}

/** A world for `owner` (whose session still works), or for a new owner. */
export async function createWorld(app: App, testDb: TestDatabase, owner?: Session): Promise<World> {
  owner ??= await signupUser(app, 'Fuzz Org');
  const as = client(app, owner.token);
  const monitor = await created(as.post('/v1/monitors', httpMonitor()), 'monitor');
  const slug = `fuzz-${randomUUID().slice(0, 8)}`;
  const hour = 3_600_000;
  const [heartbeat, channel, page, window, key, invitation, [incident]] = await Promise.all([
    created(
      as.post('/v1/monitors', { type: 'heartbeat', name: 'Nightly job', periodSeconds: 3600 }),
      'heartbeat',
    ),
    created(
      as.post('/v1/channels', {
        type: 'webhook',
        name: 'Hook',
        config: { url: 'https://hooks.example.com/in' },
      }),
      'channel',
    ),
    created(as.post('/v1/status-pages', { slug, title: 'Status', monitorIds: [monitor.id] }), 'status page'),
    created(
      as.post('/v1/maintenance-windows', {
        name: 'Upgrade',
        monitorIds: [monitor.id],
        startsAt: new Date(Date.now() + hour).toISOString(),
        endsAt: new Date(Date.now() + 2 * hour).toISOString(),
      }),
      'maintenance window',
    ),
    created(as.post('/v1/api-keys', { name: 'CI', role: 'viewer' }), 'API key'),
    created(as.post('/v1/members', { email: `invitee-${slug}@example.com`, role: 'member' }), 'invitation'),
    testDb.db
      .insertInto('incidents')
      .values({
        org_id: owner.orgId,
        monitor_id: monitor.id,
        status: 'open',
        opened_at: new Date(Date.now() - hour),
        cause: 'HTTP 503 from 2 of 2 regions',
      })
      .returning('id')
      .execute(),
  ]);
  const incidentId = incident?.id ?? '';
  return {
    owner,
    heartbeatId: heartbeat.id,
    pathValues: {
      'monitors:id': monitor.id,
      'channels:id': channel.id,
      'status-pages:id': page.id,
      'status-pages:slug': slug,
      'maintenance-windows:id': window.id,
      'api-keys:id': key.id,
      'invitations:id': invitation.id,
      'incidents:id': incidentId,
      'members:userId': owner.userId,
      'heartbeats:token': String(heartbeat.heartbeatToken),
    },
    byName: {
      monitorId: monitor.id,
      monitorIds: [monitor.id],
      channelId: channel.id,
      channelIds: [channel.id],
      incidentId,
      organizationId: owner.orgId,
    },
  };
}

/**
 * Whether the owner's session, and with `objects` every object of the world, are still there (after
 * a request that succeeded may have ended the session or deleted one). Objects are counted in SQL,
 * which is cheap enough to do after every such request.
 */
export async function worldIntact(
  app: App,
  testDb: TestDatabase,
  world: World,
  objects: boolean,
): Promise<boolean> {
  const me = await client(app, world.owner.token).get('/v1/me');
  if (me.statusCode !== 200) return false;
  if (!objects) return true;
  const v = world.pathValues;
  const { rows } = await sql<{ present: number }>`SELECT
      (SELECT count(*) FROM monitors WHERE id IN (${v['monitors:id']}, ${world.heartbeatId}))
    + (SELECT count(*) FROM channels WHERE id = ${v['channels:id']})
    + (SELECT count(*) FROM status_pages WHERE id = ${v['status-pages:id']})
    + (SELECT count(*) FROM maintenance_windows WHERE id = ${v['maintenance-windows:id']})
    + (SELECT count(*) FROM incidents WHERE id = ${v['incidents:id']})
    + (SELECT count(*) FROM api_keys WHERE id = ${v['api-keys:id']} AND revoked_at IS NULL) AS present`.execute(
    testDb.db,
  );
  return Number(rows[0]?.present) === 7;
}

/** The path with each parameter filled from the world (a fresh uuid where it knows none), one overridden. */
export function fillPath(world: World, path: string, override?: { name: string; encoded: string }): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string, offset: number) => {
    if (override?.name === name) return override.encoded;
    const segment = path.slice(0, offset).split('/').filter(Boolean).at(-1) ?? '';
    return encodeURIComponent(world.pathValues[`${segment}:${name}`] ?? randomUUID());
  });
}
