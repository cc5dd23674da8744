import { randomUUID } from 'node:crypto';
import {
  buildAcknowledgedAlertPayload,
  type IncidentRef,
  jobPolicies,
  type NotifyJob,
  notifyJobId,
} from '@sentinelmesh/core';
import { insertKeyedAlerts } from '@sentinelmesh/db';
import type { TenantContext } from '../context';
import { notifyQueue } from './channels';

/** The events that alerted a channel about an incident: the ones an acknowledgement answers. */
const ALERTING_EVENTS = ['monitor.down', 'monitor.flapping'] as const;

/**
 * Writes one `incident.acknowledged` alert per channel that the incident's down (or flapping)
 * alerts went to, whatever their delivery outcome, and one email per member an escalation step
 * emailed, keyed by the incident so it exists once per recipient; its notification jobs are queued
 * after the commit (the outbox sweeper catches up when Redis is down).
 */
export async function notifyAcknowledgement(
  ctx: TenantContext,
  input: {
    incident: IncidentRef;
    monitorId: string;
    cause: string | null;
    acknowledgedAt: Date;
    /** A person's email or `API key "<name>"`. */
    by: string;
  },
): Promise<string[]> {
  const { incident, monitorId } = input;
  const monitor = await ctx.db
    .selectFrom('monitors')
    .select('config')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', monitorId)
    .executeTakeFirst();
  if (!monitor) return [];
  const notified = await ctx.db
    .selectFrom('alerts as a')
    .leftJoin('channels as c', (join) =>
      join.onRef('c.id', '=', 'a.channel_id').onRef('c.org_id', '=', 'a.org_id'),
    )
    .leftJoin('memberships as ms', (join) =>
      join.onRef('ms.user_id', '=', 'a.recipient_user_id').onRef('ms.org_id', '=', 'a.org_id'),
    )
    .select(['c.id as channel_id', 'ms.user_id'])
    .distinct()
    .where('a.org_id', '=', ctx.orgId)
    .where('a.incident_id', '=', incident.id)
    .where('a.event', 'in', ALERTING_EVENTS)
    // Held alerts told nobody (a parent was down, ADR 0036): their channels hear no acknowledgement.
    .where('a.status', '<>', 'suppressed')
    .execute();
  // A channel still there, or a member still in the organization (emailed by an escalation step).
  const recipients = notified
    .map((row) =>
      row.channel_id ? { channelId: row.channel_id, userId: null } : { channelId: null, userId: row.user_id },
    )
    .filter((r) => r.channelId !== null || r.userId !== null)
    .sort((a, b) => `${a.channelId}:${a.userId}`.localeCompare(`${b.channelId}:${b.userId}`));
  if (recipients.length === 0) return [];
  const dedupKey = `${incident.id}:incident.acknowledged`;
  const rows = recipients.map((recipient) => {
    const id = randomUUID();
    const payload = buildAcknowledgedAlertPayload({
      alertId: id,
      acknowledgedAtMs: input.acknowledgedAt.getTime(),
      by: input.by,
      monitorId,
      config: monitor.config,
      incident,
      cause: input.cause,
    });
    return {
      id,
      org_id: ctx.orgId,
      incident_id: incident.id,
      monitor_id: monitorId,
      channel_id: recipient.channelId,
      recipient_user_id: recipient.userId,
      event: 'incident.acknowledged' as const,
      status: 'pending' as const,
      payload: JSON.stringify(payload),
      dedup_key: dedupKey,
      // At the acknowledgement, not the transaction's start: the timeline shows them after it.
      created_at: input.acknowledgedAt,
    };
  });
  // One per recipient and incident (the unique keys of ADR 0034), whoever acknowledges and however often.
  const alertIds = await insertKeyedAlerts(ctx.db, rows);
  ctx.afterCommit(async () => {
    try {
      await notifyQueue(ctx).addBulk(
        alertIds.map((alertId) => {
          const data: NotifyJob = { orgId: ctx.orgId, alertId, requestId: ctx.requestId };
          return { name: 'notify', data, opts: { ...jobPolicies.notify, jobId: notifyJobId(alertId) } };
        }),
      );
    } catch (error) {
      ctx.logger.warn(
        { err: error, alertIds },
        'could not enqueue the acknowledgement; the outbox sweeper will',
      );
    }
  });
  return alertIds;
}
