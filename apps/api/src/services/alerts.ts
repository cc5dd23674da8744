import type { Db } from '@sentinelmesh/db';
import { type SqlBool, sql } from 'kysely';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';

function selectAlerts(db: Db, orgId: string) {
  return db
    .selectFrom('alerts')
    .select([
      'id',
      'incident_id',
      'channel_id',
      'event',
      'status',
      'attempts',
      'sent_at',
      'last_error',
      sql<string>`created_at::text`.as('cursor_at'),
      // Every delivery attempt, oldest first (the notifier logs each one in alert_attempts).
      sql<
        Array<{
          attemptedAt: string;
          ok: boolean;
          statusCode: number | null;
          error: string | null;
          durationMs: number;
        }>
      >`coalesce((
        SELECT json_agg(json_build_object('attemptedAt', to_char(aa.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'ok', aa.ok, 'statusCode', aa.status_code, 'error', aa.error, 'durationMs', aa.duration_ms) ORDER BY aa.id)
        FROM alert_attempts aa WHERE aa.alert_id = alerts.id AND aa.org_id = alerts.org_id
      ), '[]')`.as('attempt_log'),
    ])
    .where('org_id', '=', orgId);
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

function toAlertView(row: AlertRow) {
  return {
    id: row.id,
    incidentId: row.incident_id,
    channelId: row.channel_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
    lastError: row.last_error,
    attemptLog: row.attempt_log,
  };
}

/** The delivery log, newest first. */
export async function listAlerts(
  db: Db,
  orgId: string,
  filter: {
    incidentId?: string | undefined;
    monitorId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let query = selectAlerts(db, orgId);
  if (filter.incidentId) query = query.where('incident_id', '=', filter.incidentId);
  if (filter.monitorId) query = query.where('monitor_id', '=', filter.monitorId);
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return toPage(rows, filter.limit, (row) => [row.cursor_at, row.id], toAlertView);
}

export async function alertsOfIncident(db: Db, orgId: string, incidentId: string) {
  const rows = await selectAlerts(db, orgId)
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toAlertView);
}
