import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { byTimeThenId, keysetPage } from '../http/cursor';

function selectAlerts(db: TenantDb, orgId: string) {
  return (
    db
      .selectFrom('alerts')
      .select([
        'id',
        'incident_id',
        'monitor_id',
        // The monitor's current name (a monitor's alerts go with it when it is deleted).
        sql<string | null>`(
        SELECT m.name FROM monitors m WHERE m.id = alerts.monitor_id AND m.org_id = alerts.org_id
      )`.as('monitor_name'),
        'channel_id',
        'event',
        'status',
        'attempts',
        'sent_at',
        'last_error',
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
      .where('org_id', '=', orgId)
      // Channels' alerts: a member's email (an escalation step's) shows in the escalation timeline.
      .where('channel_id', 'is not', null)
      .$narrowType<{ channel_id: string }>()
  );
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

function toAlertView(row: AlertRow) {
  return {
    id: row.id,
    incidentId: row.incident_id,
    monitorId: row.monitor_id,
    monitorName: row.monitor_name,
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
  ctx: TenantContext,
  filter: {
    incidentId?: string | undefined;
    monitorId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let query = selectAlerts(ctx.db, ctx.orgId);
  if (filter.incidentId) query = query.where('incident_id', '=', filter.incidentId);
  if (filter.monitorId) query = query.where('monitor_id', '=', filter.monitorId);
  return keysetPage(query, byTimeThenId('created_at', 'id'), filter, toAlertView);
}

export async function alertsOfIncident(ctx: TenantContext, incidentId: string) {
  const rows = await selectAlerts(ctx.db, ctx.orgId)
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toAlertView);
}
