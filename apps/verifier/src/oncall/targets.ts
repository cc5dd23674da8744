import type { AlertRoute, EscalationTarget } from '@sentinelmesh/core';
import { type Database, databaseNow, onCallInRotation } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { RoutedRecipient } from './alert-rows';

type Trx = Transaction<Database>;

/**
 * Who a step's targets reach, now: a channel of the organization; a member of it (their email and
 * their personal channels); a rotation: whoever is on call in it now (database clock), as a member.
 * Targets that no longer exist (a deleted channel, a member who left, nobody on call) reach nobody.
 */
export async function resolveTargets(
  trx: Trx,
  orgId: string,
  targets: readonly EscalationTarget[],
  route: (target: EscalationTarget) => AlertRoute,
): Promise<RoutedRecipient[]> {
  const rotations = targets.filter((t) => t.type === 'rotation');
  const now = rotations.length > 0 ? await databaseNow(trx) : null;
  const onCall = new Map<string, string>();
  for (const target of rotations) {
    const shift = now ? await onCallInRotation(trx, orgId, target.rotationId, now) : null;
    if (shift) onCall.set(target.rotationId, shift.userId);
  }
  const memberOf = (t: EscalationTarget) =>
    t.type === 'member' ? t.userId : t.type === 'rotation' ? (onCall.get(t.rotationId) ?? null) : null;
  const channelIds = targets.flatMap((t) => (t.type === 'channel' ? [t.channelId] : []));
  const userIds = targets.flatMap((t) => {
    const userId = memberOf(t);
    return userId ? [userId] : [];
  });
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
  // A member's personal channels (rot's `channels.user_id`) are reached with them.
  const personal =
    members.size === 0
      ? []
      : await trx
          .selectFrom('channels')
          .select(['id', 'user_id'])
          .where('org_id', '=', orgId)
          .where('user_id', 'in', [...members])
          .orderBy('id')
          .execute();
  const recipients: RoutedRecipient[] = [];
  for (const target of targets) {
    const userId = memberOf(target);
    if (target.type === 'channel' && channels.has(target.channelId)) {
      recipients.push({ recipient: { type: 'channel', id: target.channelId }, route: route(target) });
    } else if (userId && members.has(userId)) {
      recipients.push({ recipient: { type: 'member', id: userId }, route: route(target) });
      for (const channel of personal.filter((c) => c.user_id === userId)) {
        recipients.push({ recipient: { type: 'channel', id: channel.id }, route: route(target) });
      }
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
