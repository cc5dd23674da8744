import type { AlertRoute, EscalationTarget } from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { RoutedRecipient } from './alert-rows';

type Trx = Transaction<Database>;

/**
 * Who a step's targets reach, now: a channel of the organization; a member of it (their email);
 * targets that no longer exist (a deleted channel, a member who left) reach nobody.
 */
export async function resolveTargets(
  trx: Trx,
  orgId: string,
  targets: readonly EscalationTarget[],
  route: (target: EscalationTarget) => AlertRoute,
): Promise<RoutedRecipient[]> {
  const channelIds = targets.flatMap((t) => (t.type === 'channel' ? [t.channelId] : []));
  const userIds = targets.flatMap((t) => (t.type === 'member' ? [t.userId] : []));
  const channels = new Set(
    channelIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('channels')
            .select('id')
            .where('org_id', '=', orgId)
            .where('id', 'in', channelIds)
            .execute()
        ).map((row) => row.id),
  );
  const members = new Set(
    userIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('memberships')
            .select('user_id')
            .where('org_id', '=', orgId)
            .where('user_id', 'in', userIds)
            .execute()
        ).map((row) => row.user_id),
  );
  const recipients: RoutedRecipient[] = [];
  for (const target of targets) {
    if (target.type === 'channel' && channels.has(target.channelId)) {
      recipients.push({ recipient: { type: 'channel', id: target.channelId }, route: route(target) });
    } else if (target.type === 'member' && members.has(target.userId)) {
      recipients.push({ recipient: { type: 'member', id: target.userId }, route: route(target) });
    }
  }
  return recipients;
}

/** Every recipient an incident's alerting events reached so far (its steps, or a monitor's channels). */
export async function notifiedRecipients(
  trx: Trx,
  orgId: string,
  incidentId: string,
): Promise<RoutedRecipient[]> {
  const rows = await trx
    .selectFrom('alerts')
    .select(['channel_id', 'recipient_user_id'])
    .distinct()
    .where('org_id', '=', orgId)
    .where('incident_id', '=', incidentId)
    .where('event', 'in', ['monitor.down', 'monitor.flapping'])
    .execute();
  return rows
    .map((row) =>
      row.channel_id
        ? { type: 'channel' as const, id: row.channel_id }
        : row.recipient_user_id
          ? { type: 'member' as const, id: row.recipient_user_id }
          : null,
    )
    .filter((r) => r !== null)
    .sort((a, b) => `${a.type}:${a.id}`.localeCompare(`${b.type}:${b.id}`))
    .map((recipient) => ({ recipient, route: null }));
}
