import type { AlertRoute } from '@sentinelmesh/core';
import type { TenantContext } from '../context';
import { getIncidentView } from './incidents';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * Who an incident notified, step by step: every alert of it (channels and members' emails) with the
 * step, round or reminder that sent it and its delivery outcome, then who acknowledged and how.
 */
export async function escalationTimeline(ctx: TenantContext, incidentId: string) {
  const incident = await getIncidentView(ctx, incidentId);
  const state = await ctx.db
    .selectFrom('incidents as i')
    .leftJoin('escalation_policies as p', (join) =>
      join.onRef('p.id', '=', 'i.escalation_policy_id').onRef('p.org_id', '=', 'i.org_id'),
    )
    .select(['p.id', 'p.name', 'i.escalation_next_at', 'i.reminder_next_at', 'i.acknowledged_by_link'])
    .where('i.org_id', '=', ctx.orgId)
    .where('i.id', '=', incidentId)
    .executeTakeFirstOrThrow();
  const rows = await ctx.db
    .selectFrom('alerts as a')
    .leftJoin('channels as c', (join) =>
      join.onRef('c.id', '=', 'a.channel_id').onRef('c.org_id', '=', 'a.org_id'),
    )
    .leftJoin('users as u', 'u.id', 'a.recipient_user_id')
    .select([
      'a.id',
      'a.created_at',
      'a.event',
      'a.route',
      'a.channel_id',
      'a.recipient_user_id',
      'c.name as channel_name',
      'c.type as channel_type',
      'u.email',
      'a.status',
      'a.attempts',
      'a.sent_at',
      'a.last_error',
    ])
    .where('a.org_id', '=', ctx.orgId)
    .where('a.incident_id', '=', incidentId)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  const open = incident.status === 'open' && incident.acknowledgedAt === null;
  return {
    incidentId,
    policy: state.id && state.name ? { id: state.id, name: state.name } : null,
    nextStepAt: open ? iso(state.escalation_next_at) : null,
    nextReminderAt: open ? iso(state.reminder_next_at) : null,
    notifications: rows.map((row) => {
      const route = row.route as AlertRoute | null;
      return {
        alertId: row.id,
        at: row.created_at.toISOString(),
        event: row.event,
        step: route?.kind === 'step' ? route.step : null,
        round: route?.kind === 'step' ? route.round : null,
        reminder: route?.kind === 'reminder' ? route.reminder : null,
        target: route?.kind === 'step' ? route.target : null,
        recipient: row.channel_id
          ? {
              type: 'channel' as const,
              id: row.channel_id,
              name: row.channel_name,
              channelType: row.channel_type,
            }
          : { type: 'member' as const, id: row.recipient_user_id ?? '', name: row.email, channelType: null },
        status: row.status,
        attempts: row.attempts,
        sentAt: iso(row.sent_at),
        lastError: row.last_error,
      };
    }),
    acknowledgement: incident.acknowledgedAt
      ? { at: incident.acknowledgedAt, by: incident.acknowledger, viaLink: state.acknowledged_by_link }
      : null,
  };
}
