import {
  type CreateMonitor,
  lifecycleStatus,
  type Monitor,
  maskSecrets,
  type StoredMonitorConfig,
  type UpdateMonitor,
} from '@sentinelmesh/core';
import type { MonitorSecretColumns } from '@sentinelmesh/platform';
import { sql } from 'kysely';
import type { ActorContext, ServiceContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { checkEscalationPolicy } from './escalation-policies';
import { publishMonitorChange } from './monitor-changes';
import { linkDependencies, type MonitorLinks } from './monitor-dependencies';
import { findMonitor } from './monitor-read';
import { configForCreate, configForUpdate } from './monitor-rules';
import { resolveMasks, sealConfig } from './monitor-secrets';
import { deleteOwned, findMissingIds } from './owned-ids';
import {
  assertChecksPerSecond,
  assertRoomFor,
  checksPerSecondOf,
  type Limits,
  loadLimits,
  lockOrganization,
} from './quotas';
import { type RegionRules, regionRulesFor } from './region-rules';

// Row timestamps come from Postgres (microseconds), so keyset paging on created_at never ties by accident;
// the injected clock drives domain times such as the state's `since`.
const dbNow = sql<Date>`now()`;

type MonitorPatch = UpdateMonitor & { type?: string | undefined };

/**
 * Every id must be a shared channel of this organization; otherwise a 400 naming channelIds. A
 * member's personal channel is reached through its owner (an escalation step naming the member),
 * never linked to a monitor, so nobody can route alerts to another member's own phone or chat.
 */
async function checkChannels(tx: TenantDb, orgId: string, ids: string[]): Promise<string[]> {
  const { unique, missing } = await findMissingIds(tx, 'channels', orgId, ids);
  if (missing.length > 0) {
    throw apiErrors.invalid('monitor', [
      { path: 'channelIds', message: `no such channel: ${missing.join(', ')}` },
    ]);
  }
  const personal =
    unique.length === 0
      ? []
      : await tx
          .selectFrom('channels')
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', 'in', unique)
          .where('user_id', 'is not', null)
          .execute();
  if (personal.length > 0) {
    throw apiErrors.invalid('monitor', [
      {
        path: 'channelIds',
        message: `a personal channel cannot be linked to a monitor (name its owner in an escalation policy instead): ${personal.map((c) => c.id).join(', ')}`,
      },
    ]);
  }
  return unique;
}

/** The channels an organization marked as defaults for monitors created without a channel list. */
async function defaultChannelIds(tx: TenantDb, orgId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('channels')
    .select('id')
    .where('org_id', '=', orgId)
    .where('is_default', '=', true)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.id);
}

async function linkChannels(tx: TenantDb, orgId: string, monitorId: string, channelIds: string[]) {
  await tx.deleteFrom('monitor_channels').where('monitor_id', '=', monitorId).execute();
  if (channelIds.length === 0) return;
  await tx
    .insertInto('monitor_channels')
    .values(channelIds.map((channel_id) => ({ org_id: orgId, monitor_id: monitorId, channel_id })))
    .execute();
}

/** One monitor as the caller may see it. */
export async function getMonitor(ctx: ActorContext, id: string): Promise<Monitor> {
  const monitor = await findMonitor(ctx, id);
  if (!monitor) throw apiErrors.notFound('monitor');
  return monitor;
}

/** Schedulers hear of the change once it is committed, not before. */
const announce = (ctx: ActorContext, op: 'upsert' | 'delete', monitorId: string) =>
  ctx.afterCommit(() => publishMonitorChange(ctx, { op, orgId: ctx.orgId, monitorId }));

/** The deployment's rules with this organization's own minimum interval. */
const withOrgMinimum = (config: ServiceContext['config'], limits: Limits, regionRules: RegionRules) => ({
  ...config,
  MIN_INTERVAL_SECONDS: limits.minIntervalSeconds ?? 1,
  regionRules,
});

/** Writes the monitor, its state row and its channel links, and announces it after commit. */
export async function createMonitor(ctx: ActorContext, input: CreateMonitor): Promise<Monitor> {
  const { db: tx, orgId } = ctx;
  const now = ctx.clock.now();
  await lockOrganization(tx, orgId);
  const limits = await loadLimits(tx, orgId, ctx.config);
  const config = resolveMasks(
    ctx.box,
    configForCreate(input, withOrgMinimum(ctx.config, limits, await regionRulesFor(ctx, input.regions))),
  );
  await assertRoomFor(tx, orgId, 'monitors', limits.monitors);
  await assertChecksPerSecond(tx, orgId, limits.checksPerSecond, {
    before: 0,
    after: checksPerSecondOf(config),
  });
  const channelIds =
    input.channelIds === undefined
      ? await defaultChannelIds(tx, orgId)
      : await checkChannels(tx, orgId, input.channelIds);
  const escalationPolicyId = input.escalationPolicyId ?? null;
  await checkEscalationPolicy(tx, orgId, escalationPolicyId);
  const row = await tx
    .insertInto('monitors')
    .values({
      org_id: orgId,
      ...sealConfig(ctx.box, config),
      escalation_policy_id: escalationPolicyId,
      updated_at: dbNow,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('monitor_state')
    .values({
      monitor_id: row.id,
      org_id: orgId,
      status: lifecycleStatus(config.paused),
      since: now,
      last_error: sql<string>`NULL`,
      machine: '{}',
      updated_at: now,
    })
    .execute();
  await linkChannels(tx, orgId, row.id, channelIds);
  await linkDependencies(tx, orgId, row.id, input);
  announce(ctx, 'upsert', row.id);
  return getMonitor(ctx, row.id);
}

/** Applies any subset of fields; pausing shows `paused` at once, resuming starts again from `pending`. */
export async function updateMonitor(
  ctx: ActorContext,
  input: { id: string; patch: MonitorPatch },
): Promise<Monitor> {
  const { db: tx, orgId } = ctx;
  const { id } = input;
  const { channelIds, groupId, dependsOn, escalationPolicyId, ...fields } = input.patch;
  await lockOrganization(tx, orgId);
  const current = await tx
    .selectFrom('monitors')
    .select(['config', 'secrets'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw apiErrors.notFound('monitor');
  const limits = await loadLimits(tx, orgId, ctx.config);
  const masked = maskSecrets(current.config);
  const config = resolveMasks(
    ctx.box,
    configForUpdate(
      masked,
      fields,
      withOrgMinimum(ctx.config, limits, await regionRulesFor(ctx, fields.regions)),
    ),
    current,
  );
  await writeMonitor(ctx, {
    id,
    current: current.config,
    config,
    channelIds,
    limits,
    links: { groupId, dependsOn },
    escalationPolicyId,
  });
  announce(ctx, 'upsert', id);
  return getMonitor(ctx, id);
}

/** Writes a monitor's new configuration (and its channel links when given) over `current`. */
async function writeMonitor(
  ctx: ActorContext,
  input: {
    id: string;
    current: StoredMonitorConfig;
    config: StoredMonitorConfig;
    channelIds: string[] | undefined;
    limits: Limits;
    /** Its group and parents, when given; left as they are otherwise. */
    links?: MonitorLinks;
    /** Its escalation policy (null: plain channels), when given; left as it is otherwise. */
    escalationPolicyId?: string | null | undefined;
  },
) {
  const { db: tx, orgId } = ctx;
  const { id, current, config, channelIds } = input;
  const now = ctx.clock.now();
  await assertChecksPerSecond(tx, orgId, input.limits.checksPerSecond, {
    monitorId: id,
    before: checksPerSecondOf(current),
    after: checksPerSecondOf(config),
  });
  await tx
    .updateTable('monitors')
    .set({ ...sealConfig(ctx.box, config), updated_at: dbNow })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
  if (channelIds !== undefined) await linkChannels(tx, orgId, id, await checkChannels(tx, orgId, channelIds));
  if (input.links) await linkDependencies(tx, orgId, id, input.links);
  if (input.escalationPolicyId !== undefined) {
    await checkEscalationPolicy(tx, orgId, input.escalationPolicyId);
    await tx
      .updateTable('monitors')
      .set({ escalation_policy_id: input.escalationPolicyId })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
  if (config.paused !== current.paused) {
    await tx
      .updateTable('monitor_state')
      .set({ status: lifecycleStatus(config.paused), since: now, updated_at: now })
      .where('org_id', '=', orgId)
      .where('monitor_id', '=', id)
      .execute();
  }
}

/** A stored monitor row's configuration and sealed secrets. */
export type StoredMonitorRow = MonitorSecretColumns & { config: StoredMonitorConfig };

/**
 * The whole stored configuration `input` gives: a new monitor's, or, with `stored`, the one that
 * replaces a monitor (its masks filled from what it stores, a heartbeat keeping its token).
 */
export async function configFromInput(
  ctx: ActorContext,
  input: CreateMonitor,
  stored?: StoredMonitorRow,
): Promise<StoredMonitorConfig> {
  const limits = await loadLimits(ctx.db, ctx.orgId, ctx.config);
  const created = configForCreate(
    input,
    withOrgMinimum(ctx.config, limits, await regionRulesFor(ctx, input.regions)),
  );
  const token =
    created.type === 'heartbeat' && stored?.config.type === 'heartbeat'
      ? { heartbeatToken: stored.config.heartbeatToken }
      : {};
  return resolveMasks(ctx.box, { ...created, ...token } as StoredMonitorConfig, stored);
}

/** The configuration a stored row holds, its secrets filled in (for comparing; never for a response). */
export function openStoredConfig(ctx: ActorContext, stored: StoredMonitorRow): StoredMonitorConfig {
  return resolveMasks(ctx.box, maskSecrets(stored.config), stored);
}

/** Replaces a monitor's whole configuration (an apply from a file), announcing it after commit. */
export async function replaceMonitor(
  ctx: ActorContext,
  input: {
    id: string;
    stored: StoredMonitorRow;
    config: StoredMonitorConfig;
    channelIds: string[] | undefined;
    /** Its group (and parents), when given; left as they are otherwise. */
    links?: MonitorLinks;
    /** Its escalation policy, when given; left as it is otherwise. */
    escalationPolicyId?: string | null;
  },
): Promise<void> {
  await lockOrganization(ctx.db, ctx.orgId);
  const limits = await loadLimits(ctx.db, ctx.orgId, ctx.config);
  await writeMonitor(ctx, { ...input, current: input.stored.config, limits });
  announce(ctx, 'upsert', input.id);
}

export async function deleteMonitor(ctx: ActorContext, id: string): Promise<void> {
  await deleteOwned(ctx, 'monitors', id, 'monitor');
  announce(ctx, 'delete', id);
}
