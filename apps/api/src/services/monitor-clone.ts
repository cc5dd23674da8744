import { type CreateMonitor, maskSecrets, type StoredMonitorConfig } from '@sentinelmesh/core';
import type { ActorContext } from '../context';
import { apiErrors } from '../errors';
import { resolveMasks } from './monitor-secrets';
import { createMonitor } from './monitors';

const NAME_MAX = 200;
const SUFFIX = ' (copy)';

/** "Checkout API (copy)", shortened so the copy's name stays within the name's limit. */
export const copyName = (name: string) => `${name.slice(0, NAME_MAX - SUFFIX.length)}${SUFFIX}`;

/**
 * A new monitor with the same settings, channels and secrets (opened and sealed again inside the API,
 * never sent to the client), named "… (copy)" and paused, so it neither doubles checks and alerts nor
 * counts against the check rate until someone has edited it and resumes it. A heartbeat copy gets a
 * ping URL of its own.
 */
export async function cloneMonitor(ctx: ActorContext, id: string) {
  const row = await ctx.db
    .selectFrom('monitors')
    .select(['config', 'secrets', 'escalation_policy_id'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('monitor');
  const links = await ctx.db
    .selectFrom('monitor_channels')
    .select('channel_id')
    .where('org_id', '=', ctx.orgId)
    .where('monitor_id', '=', id)
    .execute();
  const { heartbeatToken: _token, ...real } = resolveMasks(
    ctx.box,
    maskSecrets(row.config),
    row,
  ) as StoredMonitorConfig & { heartbeatToken?: string };
  const input = {
    ...real,
    name: copyName(row.config.name),
    paused: true,
    channelIds: links.map((link) => link.channel_id),
    escalationPolicyId: row.escalation_policy_id,
  } as CreateMonitor;
  return createMonitor(ctx, input);
}
