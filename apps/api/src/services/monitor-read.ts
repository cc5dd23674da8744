import {
  hasRole,
  type Monitor,
  type MonitorStatus,
  maskSecrets,
  maskUrlsIn,
  type StoredMonitorConfig,
} from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { ActorContext } from '../context';
import { byTimeThenId, keysetPage } from '../http/cursor';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A state's last error, with credentials masked in any URL that an older result recorded. */
const maskedError = (error: { kind: string; message: string }) =>
  typeof error.message === 'string' ? { ...error, message: maskUrlsIn(error.message) } : error;

function selectMonitors(db: Kysely<Database>, orgId: string) {
  return db
    .selectFrom('monitors as m')
    .leftJoin('monitor_state as s', 's.monitor_id', 'm.id')
    .select([
      'm.id',
      'm.config',
      'm.created_at',
      'm.updated_at',
      'm.escalation_policy_id',
      'm.key',
      'm.managed',
      's.status',
      's.since',
      's.last_checked_at',
      's.last_latency_ms',
      's.last_error',
      sql<string[]>`coalesce((
        SELECT array_agg(mc.channel_id::text ORDER BY mc.channel_id)
        FROM monitor_channels mc WHERE mc.monitor_id = m.id AND mc.org_id = m.org_id
      ), '{}')`.as('channel_ids'),
      'm.group_id',
      sql<{ monitorIds: string[]; groupIds: string[] }>`json_build_object(
        'monitorIds', coalesce((SELECT array_agg(d.parent_monitor_id::text ORDER BY d.parent_monitor_id)
          FROM monitor_dependencies d WHERE d.monitor_id = m.id AND d.org_id = m.org_id
          AND d.parent_monitor_id IS NOT NULL), '{}'),
        'groupIds', coalesce((SELECT array_agg(d.parent_group_id::text ORDER BY d.parent_group_id)
          FROM monitor_dependencies d WHERE d.monitor_id = m.id AND d.org_id = m.org_id
          AND d.parent_group_id IS NOT NULL), '{}'))`.as('depends_on'),
    ])
    .where('m.org_id', '=', orgId);
}

type MonitorRow = Awaited<ReturnType<ReturnType<typeof selectMonitors>['executeTakeFirstOrThrow']>>;

/** What the caller may see beyond the masked configuration: a heartbeat's token is for members and above. */
export interface MonitorViewOptions {
  showToken: boolean;
}

/** A heartbeat's ping URL lets anyone report for the monitor: viewers see the monitor, not its token. */
export const viewFor = (ctx: ActorContext): MonitorViewOptions => ({
  showToken: hasRole(ctx.actor.role, 'member'),
});

/** Secrets are write-only: the view always carries their masks, even of a row not sealed yet. */
export function toMonitorView(row: MonitorRow, view: MonitorViewOptions): Monitor {
  const config = maskSecrets(row.config as StoredMonitorConfig);
  const token = config.type === 'heartbeat' && !view.showToken ? { heartbeatToken: null } : {};
  return {
    ...config,
    ...token,
    channelIds: row.channel_ids,
    groupId: row.group_id,
    dependsOn: row.depends_on,
    escalationPolicyId: row.escalation_policy_id,
    id: row.id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    key: row.key,
    managed: row.managed,
    state: {
      status: row.status ?? 'pending',
      since: iso(row.since),
      lastCheckedAt: iso(row.last_checked_at),
      lastLatencyMs: row.last_latency_ms,
      lastError: row.last_error ? maskedError(row.last_error) : null,
    },
  } as Monitor;
}

export async function findMonitor(
  ctx: ActorContext,
  id: string,
  view: MonitorViewOptions = viewFor(ctx),
): Promise<Monitor | null> {
  const row = await selectMonitors(ctx.db, ctx.orgId).where('m.id', '=', id).executeTakeFirst();
  return row ? toMonitorView(row, view) : null;
}

export interface MonitorFilter {
  status?: MonitorStatus | undefined;
  type?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  key?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Newest first, keyset-paged on (created_at, id). */
export async function listMonitors(ctx: ActorContext, filter: MonitorFilter) {
  let query = selectMonitors(ctx.db, ctx.orgId);
  if (filter.status) query = query.where('s.status', '=', filter.status);
  if (filter.key) query = query.where('m.key', '=', filter.key);
  if (filter.type) query = query.where('m.type', '=', filter.type);
  if (filter.tag)
    query = query.where(sql<SqlBool>`m.config -> 'tags' @> ${JSON.stringify([filter.tag])}::jsonb`);
  if (filter.q) {
    const pattern = likePattern(filter.q);
    query = query.where(
      sql<SqlBool>`(m.name ILIKE ${pattern} OR m.config ->> 'url' ILIKE ${pattern} OR m.config ->> 'host' ILIKE ${pattern})`,
    );
  }
  const view = viewFor(ctx);
  return keysetPage(query, byTimeThenId('m.created_at', 'm.id'), filter, (row) => toMonitorView(row, view));
}
