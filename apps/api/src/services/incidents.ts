import { maskUrlsIn, notFound } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { type SqlBool, sql } from 'kysely';
import type { Clock } from '../context';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import { alertsOfIncident } from './alerts';
import { resultsBetween } from './results';

const TIMELINE_RESULTS = 500;

function selectIncidents(db: Db, orgId: string) {
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
      sql<string>`opened_at::text`.as('cursor_at'),
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
  db: Db,
  orgId: string,
  filter: {
    monitorId?: string | undefined;
    status?: 'open' | 'resolved' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let query = selectIncidents(db, orgId);
  if (filter.monitorId) query = query.where('monitor_id', '=', filter.monitorId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(opened_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return toPage(rows, filter.limit, (row) => [row.cursor_at, row.id], toIncidentView);
}

/** The incident with what happened during it: the checks in its window and its alerts. */
export async function getIncident(db: Db, clock: Clock, orgId: string, id: string) {
  const row = await selectIncidents(db, orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('incident');
  const [results, alerts] = await Promise.all([
    resultsBetween(
      db,
      orgId,
      row.monitor_id,
      row.opened_at,
      row.resolved_at ?? clock.now(),
      TIMELINE_RESULTS,
    ),
    alertsOfIncident(db, orgId, row.id),
  ]);
  return { ...toIncidentView(row), timeline: { results, alerts } };
}

export async function acknowledgeIncident(db: Db, clock: Clock, orgId: string, id: string, userId: string) {
  await db
    .updateTable('incidents')
    .set({ acknowledged_at: clock.now(), acknowledged_by: userId })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .execute();
  const row = await selectIncidents(db, orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('incident');
  return toIncidentView(row);
}
