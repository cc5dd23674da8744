import { maskUrlsIn } from '@sentinelmesh/core';
import type { ActorContext, TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { alertsOfIncident } from './alerts';
import { resultsBetween } from './results';

const TIMELINE_RESULTS = 500;

function selectIncidents(db: TenantDb, orgId: string) {
  return db
    .selectFrom('incidents')
    .select([
      'id',
      'monitor_id',
      'status',
      'opened_at',
      'resolved_at',
      'cause',
      'acknowledged_at',
      'acknowledged_by',
    ])
    .where('org_id', '=', orgId);
}

type IncidentRow = Awaited<ReturnType<ReturnType<typeof selectIncidents>['executeTakeFirstOrThrow']>>;

function toIncidentView(row: IncidentRow) {
  return {
    id: row.id,
    monitorId: row.monitor_id,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
    cause: row.cause === null ? null : maskUrlsIn(row.cause),
    acknowledgedAt: row.acknowledged_at ? row.acknowledged_at.toISOString() : null,
    acknowledgedBy: row.acknowledged_by,
  };
}

export async function listIncidents(
  ctx: TenantContext,
  filter: {
    monitorId?: string | undefined;
    status?: 'open' | 'resolved' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let query = selectIncidents(ctx.db, ctx.orgId);
  if (filter.monitorId) query = query.where('monitor_id', '=', filter.monitorId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return keysetPage(query, byTimeThenId('opened_at', 'id'), filter, toIncidentView);
}

/** The incident with what happened during it: the checks in its window and its alerts. */
export async function getIncident(ctx: TenantContext, id: string) {
  const row = await selectIncidents(ctx.db, ctx.orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('incident');
  // One after another: the request's transaction is a single connection.
  const results = await resultsBetween(ctx, {
    monitorId: row.monitor_id,
    from: row.opened_at,
    to: row.resolved_at ?? ctx.clock.now(),
    max: TIMELINE_RESULTS,
  });
  const alerts = await alertsOfIncident(ctx, row.id);
  return { ...toIncidentView(row), timeline: { results, alerts } };
}

export async function acknowledgeIncident(ctx: ActorContext, id: string) {
  await ctx.db
    .updateTable('incidents')
    .set({ acknowledged_at: ctx.clock.now(), acknowledged_by: ctx.actor.userId })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .execute();
  const row = await selectIncidents(ctx.db, ctx.orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('incident');
  return toIncidentView(row);
}
