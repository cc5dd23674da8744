import { sql } from 'kysely';
import type { TenantContext, TenantDb } from '../context';
import { byTimeThenId, keysetPage } from '../http/cursor';

function selectAlerts(db: TenantDb, orgId: string) {
  return db
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
      'recipient_user_id',
      // Who it went to, by name: the channel's (null once deleted), or the member's email.
      sql<string | null>`(CASE WHEN alerts.channel_id IS NOT NULL
          THEN (SELECT c.name FROM channels c WHERE c.id = alerts.channel_id AND c.org_id = alerts.org_id)
          ELSE (SELECT u.email FROM users u WHERE u.id = alerts.recipient_user_id) END)`.as('recipient_name'),
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
    .where('org_id', '=', orgId);
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

function toAlertView(row: AlertRow) {
  return {
    id: row.id,
    incidentId: row.incident_id,
    monitorId: row.monitor_id,
    monitorName: row.monitor_name,
    channelId: row.channel_id,
    recipient: row.channel_id
      ? { type: 'channel' as const, id: row.channel_id, name: row.recipient_name }
      : { type: 'member' as const, id: row.recipient_user_id ?? '', name: row.recipient_name },
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
    lastError: row.last_error,
    attemptLog: row.attempt_log,
  };
}

/**
 * The delivery log, newest first: channels' alerts, and with `recipients: 'all'` members' emails too
 * (ADR 0045; by default every item has a channel, as clients of the first contract expect).
 */
export async function listAlerts(
  ctx: TenantContext,
  filter: {
    incidentId?: string | undefined;
    monitorId?: string | undefined;
    recipients?: 'channels' | 'all' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  let query = selectAlerts(ctx.db, ctx.orgId);
  if (filter.incidentId) query = query.where('incident_id', '=', filter.incidentId);
  if (filter.monitorId) query = query.where('monitor_id', '=', filter.monitorId);
  if (filter.recipients !== 'all') query = query.where('channel_id', 'is not', null);
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
