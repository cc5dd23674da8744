import { randomUUID } from 'node:crypto';
import {
  buildAcknowledgedAlertPayload,
  type IncidentRef,
  jobPolicies,
  type NotifyJob,
  notifyJobId,
} from '@sentinelmesh/core';
import type { TenantContext } from '../context';
import { notifyQueue } from './channels';

/** The events that alerted a channel about an incident: the ones an acknowledgement answers. */
const ALERTING_EVENTS = ['monitor.down', 'monitor.flapping'] as const;

/**
 * Writes one `incident.acknowledged` alert per channel that the incident's down (or flapping)
 * alerts went to, whatever their delivery outcome, keyed by the incident so it exists once per
 * channel; its notification jobs are queued after the commit (the outbox sweeper catches up when
 * Redis is down).
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
  const channels = await ctx.db
    .selectFrom('alerts as a')
    .innerJoin('channels as c', (join) =>
      join.onRef('c.id', '=', 'a.channel_id').onRef('c.org_id', '=', 'a.org_id'),
    )
    .select('c.id')
    .distinct()
    .where('a.org_id', '=', ctx.orgId)
    .where('a.incident_id', '=', incident.id)
    .where('a.event', 'in', ALERTING_EVENTS)
    // Held alerts told nobody (a parent was down, ADR 0036): their channels hear no acknowledgement.
    .where('a.status', '<>', 'suppressed')
    .orderBy('c.id')
    .execute();
  if (channels.length === 0) return [];
  const dedupKey = `${incident.id}:incident.acknowledged`;
  const rows = channels.map((channel) => {
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
      channel_id: channel.id,
      event: 'incident.acknowledged' as const,
      status: 'pending' as const,
      payload: JSON.stringify(payload),
      dedup_key: dedupKey,
      // At the acknowledgement, not the transaction's start: the timeline shows them after it.
      created_at: input.acknowledgedAt,
    };
  });
  const inserted = await ctx.db
    .insertInto('alerts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'dedup_key']).where('dedup_key', 'is not', null).doNothing(),
    )
    .returning('id')
    .execute();
  const alertIds = inserted.map((row) => row.id);
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
