import type { AckClaim } from '@sentinelmesh/platform';
import type { TenantContext } from '../context';
import { afterAcknowledging, loadIncident } from './incidents';

/** Where an incident stands for its acknowledge link. */
export interface AckLinkState {
  state: 'open' | 'acknowledged' | 'resolved' | 'gone';
  monitorName: string | null;
  /** Who acknowledged, once someone has. */
  by: string | null;
  at: string | null;
}

/** The link's recipient by name: the channel's name, or the member's email; null once gone. */
async function recipientName(ctx: TenantContext, claim: AckClaim): Promise<string | null> {
  if (claim.recipient.type === 'channel') {
    const row = await ctx.db
      .selectFrom('channels')
      .select('name')
      .where('org_id', '=', ctx.orgId)
      .where('id', '=', claim.recipient.id)
      .executeTakeFirst();
    return row?.name ?? null;
  }
  const row = await ctx.db
    .selectFrom('memberships as ms')
    .innerJoin('users as u', 'u.id', 'ms.user_id')
    .select('u.email')
    .where('ms.org_id', '=', ctx.orgId)
    .where('ms.user_id', '=', claim.recipient.id)
    .executeTakeFirst();
  return row?.email ?? null;
}

/** What the link's page shows: the incident's monitor, and whether it can still be acknowledged. */
export async function ackLinkState(ctx: TenantContext, claim: AckClaim): Promise<AckLinkState> {
  const incident = await ctx.db
    .selectFrom('incidents as i')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 'i.monitor_id').onRef('m.org_id', '=', 'i.org_id'),
    )
    .select(['i.status', 'i.acknowledged_at', 'm.name'])
    .where('i.org_id', '=', ctx.orgId)
    .where('i.id', '=', claim.incidentId)
    .executeTakeFirst();
  if (!incident) return { state: 'gone', monitorName: null, by: null, at: null };
  if (incident.status === 'resolved')
    return { state: 'resolved', monitorName: incident.name, by: null, at: null };
  if (incident.acknowledged_at) {
    const view = await loadIncident(ctx, claim.incidentId);
    const acknowledger =
      view.acknowledged_by_email ?? view.acknowledged_by_name ?? view.acknowledged_by_key_name;
    return {
      state: 'acknowledged',
      monitorName: incident.name,
      by: acknowledger,
      at: incident.acknowledged_at.toISOString(),
    };
  }
  return { state: 'open', monitorName: incident.name, by: null, at: null };
}

/**
 * Acknowledges the link's incident in the name of its recipient (a member, or a channel's readers),
 * if it is still open and unacknowledged; the first acknowledgement counts. Channels alerted hear
 * of it as with any acknowledgement; the escalation and reminders stop (the sweeper skips it).
 */
export async function acknowledgeByLink(ctx: TenantContext, claim: AckClaim): Promise<AckLinkState> {
  const name = await recipientName(ctx, claim);
  if (name !== null) {
    const member = claim.recipient.type === 'member';
    const acknowledged = await ctx.db
      .updateTable('incidents')
      .set({
        acknowledged_at: ctx.clock.now(),
        acknowledged_by: member ? claim.recipient.id : null,
        acknowledged_by_channel: member ? null : claim.recipient.id,
        acknowledged_by_name: name,
        acknowledged_by_link: true,
      })
      .where('org_id', '=', ctx.orgId)
      .where('id', '=', claim.incidentId)
      .where('status', '=', 'open')
      .where('acknowledged_at', 'is', null)
      .returning(['id', 'status'])
      .executeTakeFirst();
    if (acknowledged) await afterAcknowledging(ctx, claim.incidentId, acknowledged);
  }
  return ackLinkState(ctx, claim);
}
