import type { CreateMonitorGroup, UpdateMonitorGroup } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { assertNoCycle } from './monitor-dependencies';
import { deleteOwned, findMissingIds } from './owned-ids';
import { lockOrganization } from './quotas';

function selectGroups(db: TenantDb, orgId: string) {
  return db
    .selectFrom('monitor_groups as g')
    .leftJoin('monitor_group_incidents as gi', (join) =>
      join.onRef('gi.group_id', '=', 'g.id').on('gi.status', '=', 'open'),
    )
    .select([
      'g.id',
      'g.name',
      'g.alert_as_one',
      'g.created_at',
      'g.updated_at',
      'g.key',
      'g.managed',
      'gi.id as incident_id',
      'gi.opened_at as incident_opened_at',
      'gi.cause as incident_cause',
      sql<string[]>`coalesce((SELECT array_agg(m.id::text ORDER BY m.name, m.id) FROM monitors m
        WHERE m.group_id = g.id AND m.org_id = g.org_id), '{}')`.as('monitor_ids'),
      sql<boolean>`EXISTS (SELECT 1 FROM monitors m JOIN monitor_state s ON s.monitor_id = m.id
        WHERE m.group_id = g.id AND m.org_id = g.org_id AND s.status IN ('down', 'flapping'))`.as('down'),
    ])
    .where('g.org_id', '=', orgId);
}

type GroupRow = Awaited<ReturnType<ReturnType<typeof selectGroups>['executeTakeFirstOrThrow']>>;

function toGroupView(row: GroupRow) {
  return {
    id: row.id,
    name: row.name,
    alertAsOne: row.alert_as_one,
    monitorIds: row.monitor_ids,
    status: row.down ? ('down' as const) : ('up' as const),
    incident:
      row.incident_id && row.incident_opened_at
        ? { id: row.incident_id, openedAt: row.incident_opened_at.toISOString(), cause: row.incident_cause }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    key: row.key,
    managed: row.managed,
  };
}

export async function getMonitorGroup(ctx: TenantContext, id: string) {
  const row = await selectGroups(ctx.db, ctx.orgId).where('g.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('monitor group');
  return toGroupView(row);
}

export async function listMonitorGroups(
  ctx: TenantContext,
  page: { key?: string | undefined; limit: number; cursor?: string | undefined },
) {
  let query = selectGroups(ctx.db, ctx.orgId);
  if (page.key) query = query.where('g.key', '=', page.key);
  return keysetPage(query, byTimeThenId('g.created_at', 'g.id'), page, toGroupView);
}

/** Makes `monitorIds` the group's members: they leave any other group, and former members leave this one. */
async function setMembers(ctx: TenantContext, groupId: string, monitorIds: string[]): Promise<void> {
  const { db, orgId } = ctx;
  const { unique, missing } = await findMissingIds(db, 'monitors', orgId, monitorIds);
  if (missing.length > 0) {
    throw apiErrors.invalid('monitor group', [
      { path: 'monitorIds', message: `no such monitor: ${missing.join(', ')}` },
    ]);
  }
  let leave = db
    .updateTable('monitors')
    .set({ group_id: null })
    .where('org_id', '=', orgId)
    .where('group_id', '=', groupId);
  if (unique.length > 0) leave = leave.where('id', 'not in', unique);
  await leave.execute();
  if (unique.length > 0) {
    await db
      .updateTable('monitors')
      .set({ group_id: groupId })
      .where('org_id', '=', orgId)
      .where('id', 'in', unique)
      .execute();
  }
  await assertNoCycle(db, orgId, [`g:${groupId}`], 'monitorIds');
}

export async function createMonitorGroup(ctx: TenantContext, input: CreateMonitorGroup) {
  await lockOrganization(ctx.db, ctx.orgId);
  const row = await ctx.db
    .insertInto('monitor_groups')
    .values({ org_id: ctx.orgId, name: input.name, alert_as_one: input.alertAsOne, updated_at: sql`now()` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.monitorIds) await setMembers(ctx, row.id, input.monitorIds);
  return getMonitorGroup(ctx, row.id);
}

export async function updateMonitorGroup(
  ctx: TenantContext,
  input: { id: string; patch: UpdateMonitorGroup },
) {
  const { patch } = input;
  await lockOrganization(ctx.db, ctx.orgId);
  const row = await ctx.db
    .updateTable('monitor_groups')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.alertAsOne !== undefined ? { alert_as_one: patch.alertAsOne } : {}),
      updated_at: sql`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', input.id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('monitor group');
  if (patch.monitorIds) await setMembers(ctx, row.id, patch.monitorIds);
  return getMonitorGroup(ctx, row.id);
}

/** Members stay, without a group; monitors that depended on the group no longer do. */
export async function deleteMonitorGroup(ctx: TenantContext, id: string): Promise<void> {
  await lockOrganization(ctx.db, ctx.orgId);
  await deleteOwned(ctx, 'monitor_groups', id, 'monitor group');
}
