import { explainIncident, maskUrlsIn } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ActorContext, TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { announceAfterCommit } from '../live/announce';
import { alertsOfIncident } from './alerts';
import { notifyAcknowledgement } from './incident-acknowledgement';
import { buildTimeline, secondsBetween } from './incident-timeline';
import { resultsBetween } from './results';

const TIMELINE_RESULTS = 500;
/** How far before its opening an incident's first failing check is looked for. */
const LEAD_IN_MS = 6 * 3_600_000;

function selectIncidents(db: TenantDb, orgId: string) {
  return db
    .selectFrom('incidents as i')
    .leftJoin('users as u', 'u.id', 'i.acknowledged_by')
    .leftJoin('api_keys as k', (join) =>
      join.onRef('k.id', '=', 'i.acknowledged_by_api_key').onRef('k.org_id', '=', 'i.org_id'),
    )
    .select([
      'i.id',
      'i.monitor_id',
      'i.status',
      'i.opened_at',
      'i.resolved_at',
      'i.cause',
      'i.acknowledged_at',
      'i.acknowledged_by',
      'i.acknowledged_by_api_key',
      'i.note',
      'i.suppressed_by',
      'i.released_at',
      'i.acknowledged_by_channel',
      'i.acknowledged_by_name',
      'i.acknowledged_by_link',
      'u.email as acknowledged_by_email',
      'k.name as acknowledged_by_key_name',
    ])
    .where('i.org_id', '=', orgId);
}

type IncidentRow = Awaited<ReturnType<ReturnType<typeof selectIncidents>['executeTakeFirstOrThrow']>>;

function acknowledgerOf(row: IncidentRow) {
  if (!row.acknowledged_at) return null;
  if (row.acknowledged_by_api_key || row.acknowledged_by_key_name) {
    return {
      kind: 'apiKey' as const,
      id: row.acknowledged_by_api_key,
      name: row.acknowledged_by_key_name ?? '',
    };
  }
  if (row.acknowledged_by_email) {
    return { kind: 'user' as const, id: row.acknowledged_by, name: row.acknowledged_by_email };
  }
  if (row.acknowledged_by_link && row.acknowledged_by_name) {
    // Through the link a channel received: whoever reads that channel.
    return { kind: 'channel' as const, id: row.acknowledged_by_channel, name: row.acknowledged_by_name };
  }
  return null;
}

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
    acknowledger: acknowledgerOf(row),
    note: row.note,
    suppressedBy: row.suppressed_by,
    releasedAt: row.released_at ? row.released_at.toISOString() : null,
  };
}

export async function loadIncident(ctx: TenantContext, id: string): Promise<IncidentRow> {
  const row = await selectIncidents(ctx.db, ctx.orgId).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('incident');
  return row;
}

/** One incident as lists show it. */
export async function getIncidentView(ctx: TenantContext, id: string) {
  return toIncidentView(await loadIncident(ctx, id));
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
  if (filter.monitorId) query = query.where('i.monitor_id', '=', filter.monitorId);
  if (filter.status) query = query.where('i.status', '=', filter.status);
  return keysetPage(query, byTimeThenId('i.opened_at', 'i.id'), filter, toIncidentView);
}

/**
 * The start of the slot after the last one whose every check passed before the opening (within
 * the lead-in): where the incident's first failing check is.
 */
async function leadInStart(ctx: TenantContext, monitorId: string, openedAt: Date): Promise<Date> {
  const earliest = new Date(openedAt.getTime() - LEAD_IN_MS);
  const row = await ctx.db
    .selectFrom('tenant_check_results')
    .select(sql<Date | null>`max(scheduled_at)`.as('last_good'))
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', '=', monitorId)
    .where('scheduled_at', '>=', earliest)
    .where('scheduled_at', '<', openedAt)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('tenant_check_results as f')
            .select(sql`1`.as('one'))
            .where('f.org_id', '=', ctx.orgId)
            .where('f.monitor_id', '=', monitorId)
            .whereRef('f.scheduled_at', '=', 'tenant_check_results.scheduled_at')
            .where('f.ok', '=', false),
        ),
      ),
    )
    .executeTakeFirst();
  return row?.last_good ? new Date(new Date(row.last_good).getTime() + 1) : earliest;
}

/** Each alert's channel and creation time (the delivery log itself comes from the alerts service). */
async function alertChannels(ctx: TenantContext, incidentId: string) {
  const rows = await ctx.db
    .selectFrom('alerts as a')
    .leftJoin('channels as c', (join) =>
      join.onRef('c.id', '=', 'a.channel_id').onRef('c.org_id', '=', 'a.org_id'),
    )
    .select(['a.id', 'a.created_at', 'c.name', 'c.type'])
    .where('a.org_id', '=', ctx.orgId)
    .where('a.incident_id', '=', incidentId)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The incident with what happened during it: its timeline from stored facts (checks, alerts and
 * their deliveries, acknowledgement, resolution), the cause in plain words, and its note.
 */
export async function getIncident(ctx: TenantContext, id: string) {
  const row = await loadIncident(ctx, id);
  const end = row.resolved_at ?? ctx.clock.now();
  // One after another: the request's transaction is a single connection.
  const monitor = await ctx.db
    .selectFrom('monitors')
    .select(['id', 'name'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', row.monitor_id)
    .executeTakeFirstOrThrow();
  const noteBy = await ctx.db
    .selectFrom('incidents as i')
    .leftJoin('users as u', 'u.id', 'i.note_updated_by')
    .select(['i.note_updated_at', 'u.email'])
    .where('i.org_id', '=', ctx.orgId)
    .where('i.id', '=', id)
    .executeTakeFirstOrThrow();
  const from = await leadInStart(ctx, row.monitor_id, row.opened_at);
  const leadIn = await resultsBetween(ctx, {
    monitorId: row.monitor_id,
    from,
    to: new Date(row.opened_at.getTime() - 1),
    max: TIMELINE_RESULTS,
  });
  const results = await resultsBetween(ctx, {
    monitorId: row.monitor_id,
    from: row.opened_at,
    to: end,
    max: TIMELINE_RESULTS,
  });
  const alerts = await alertsOfIncident(ctx, row.id);
  const channels = await alertChannels(ctx, row.id);
  const view = toIncidentView(row);
  const checks = [...leadIn, ...results];
  const events = buildTimeline({
    openedAt: view.openedAt,
    resolvedAt: view.resolvedAt,
    cause: view.cause,
    acknowledgedAt: view.acknowledgedAt,
    acknowledger: view.acknowledger,
    checks,
    alerts: alerts.map((alert) => {
      const channel = channels.get(alert.id);
      return {
        ...alert,
        createdAt: (channel?.created_at ?? row.opened_at).toISOString(),
        channelName: channel?.name ?? null,
        channelType: channel?.type ?? null,
      };
    }),
  });
  const explanation = explainIncident(
    checks.map((check) => ({
      ok: check.ok,
      region: check.region,
      statusCode: check.statusCode,
      errorKind: check.error?.kind ?? null,
      errorMessage: check.error?.message ?? null,
      failedAssertions: check.failedAssertions,
    })),
  );
  return {
    ...view,
    monitor: { id: monitor.id, name: monitor.name },
    durationSeconds: secondsBetween(view.openedAt, end.toISOString()),
    explanation,
    noteUpdatedAt: noteBy.note_updated_at ? noteBy.note_updated_at.toISOString() : null,
    noteUpdatedBy: noteBy.email,
    timeline: { results, alerts, events },
  };
}

/**
 * Records who acknowledged the incident (the first acknowledgement counts) and, while it is open,
 * tells every channel its alerts went to, through the outbox (ADR 0022).
 */
export async function acknowledgeIncident(ctx: ActorContext, id: string) {
  const acknowledged = await ctx.db
    .updateTable('incidents')
    .set({
      acknowledged_at: ctx.clock.now(),
      acknowledged_by: ctx.actor.userId,
      acknowledged_by_api_key: ctx.actor.apiKeyId ?? null,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .returning(['id', 'status'])
    .executeTakeFirst();
  return afterAcknowledging(ctx, id, acknowledged);
}

/**
 * What an acknowledgement that was just recorded (`acknowledged` is the updated row, if any) sets
 * off: the live event and, while the incident is open, one alert per channel it alerted (ADR 0022).
 */
export async function afterAcknowledging(
  ctx: TenantContext,
  id: string,
  acknowledged: { status: 'open' | 'resolved' } | undefined,
) {
  const row = await loadIncident(ctx, id);
  const view = toIncidentView(row);
  if (acknowledged && row.acknowledged_at) {
    const at = row.acknowledged_at.toISOString();
    announceAfterCommit(ctx, [
      { type: 'incident.acknowledged', monitorId: row.monitor_id, incidentId: id, at },
    ]);
  }
  if (acknowledged?.status === 'open' && row.acknowledged_at && view.acknowledger) {
    await notifyAcknowledgement(ctx, {
      incident: { id: row.id, opened_at: row.opened_at, resolved_at: row.resolved_at },
      monitorId: row.monitor_id,
      cause: row.cause,
      acknowledgedAt: row.acknowledged_at,
      by:
        view.acknowledger.kind === 'apiKey' ? `API key "${view.acknowledger.name}"` : view.acknowledger.name,
    });
  }
  return view;
}

/** Writes (or, with null or blank text, clears) the post-mortem note. */
export async function updateIncidentNote(ctx: ActorContext, id: string, note: string | null) {
  const text = note === null || note.trim() === '' ? null : note;
  const updated = await ctx.db
    .updateTable('incidents')
    .set({ note: text, note_updated_at: ctx.clock.now(), note_updated_by: ctx.actor.userId })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!updated) throw apiErrors.notFound('incident');
  return getIncident(ctx, id);
}
