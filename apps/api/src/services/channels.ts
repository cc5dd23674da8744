import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildTestAlertPayload,
  type ChannelMoment,
  type ChannelTypeName,
  channelType,
  channelView,
  DomainError,
  isChannelTypeName,
  jobPolicies,
  NOTIFY_QUEUE,
  type NotifyJob,
  notFound,
  notifyJobId,
} from '@sentinelmesh/core';
import { queuePrefix } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import { type SqlBool, sql } from 'kysely';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { zodFieldProblems } from '../http/field-problems';
import { isUuid } from '../http/ids';
import type { CreateChannel, PatchChannel } from '../schemas/channels';
import { assertPublicChannelTargets } from './channel-targets';
import { assertRecipients, assertRoomFor, loadLimits, lockOrganization } from './quotas';

export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

type Secrets = Record<string, unknown>;

function selectChannels(ctx: ServiceContext, orgId: string) {
  return ctx.db
    .selectFrom('channels')
    .select([
      'id',
      'type',
      'name',
      'config',
      'secrets',
      'created_at',
      'updated_at',
      sql<string>`created_at::text`.as('cursor_at'),
    ])
    .where('org_id', '=', orgId);
}

type ChannelRow = Awaited<ReturnType<ReturnType<typeof selectChannels>['executeTakeFirstOrThrow']>>;

function openSecrets(ctx: ServiceContext, row: Pick<ChannelRow, 'id' | 'secrets'>): Secrets | null {
  if (!row.secrets) return null;
  try {
    return ctx.box.open<Secrets>(row.secrets);
  } catch (error) {
    ctx.logger.warn(
      { err: error, channelId: row.id },
      'cannot open channel secrets (was SECRETS_KEY changed?)',
    );
    return null;
  }
}

/** The row's type; a row of a type this build does not know reads as a webhook, as it always has. */
const typeOf = (row: Pick<ChannelRow, 'type'>): ChannelTypeName =>
  isChannelTypeName(row.type) ? row.type : 'webhook';

/**
 * Secrets are write-only: responses carry the type's mask; only the create response may reveal
 * what the type generated (a webhook's signing secret).
 */
function toChannelView(ctx: ServiceContext, row: ChannelRow, moment: ChannelMoment = 'read') {
  const type = typeOf(row);
  return {
    id: row.id,
    type,
    name: row.name,
    config: channelView(type, { config: row.config, secrets: openSecrets(ctx, row) }, moment),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The values of a channels row for a type's settings: the clear part and the sealed part. */
function storedColumns(ctx: ServiceContext, type: ChannelTypeName, settings: Record<string, unknown>) {
  const parts = channelType(type).split(settings);
  return {
    config: JSON.stringify(parts.config),
    secrets: parts.secrets ? ctx.box.seal(parts.secrets) : null,
  };
}

async function loadRow(ctx: ServiceContext, orgId: string, id: string): Promise<ChannelRow> {
  const row = await selectChannels(ctx, orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('channel');
  return row;
}

/**
 * The caller runs it in the organization's transaction (the lock holds until commit), after
 * assertPublicChannelTargets (DNS is not waited for inside a transaction).
 */
export async function createChannel(ctx: ServiceContext, orgId: string, input: CreateChannel) {
  await lockOrganization(ctx.db, orgId);
  const limits = await loadLimits(ctx.db, orgId, ctx.config);
  await assertRoomFor(ctx.db, orgId, 'channels', limits.channels);
  if (input.type === 'email') assertRecipients(limits.emailRecipientsPerChannel, input.config.to);
  const type = channelType(input.type);
  const settings = type.complete ? type.complete(input.config, generateWebhookSecret) : input.config;
  const { id } = await ctx.db
    .insertInto('channels')
    .values({
      org_id: orgId,
      type: input.type,
      name: input.name,
      ...storedColumns(ctx, input.type, settings),
      updated_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toChannelView(ctx, await loadRow(ctx, orgId, id), 'created');
}

function parsePatch(type: ChannelTypeName, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = channelType(type).settings.partial().safeParse(config);
  if (!parsed.success) {
    const problems = zodFieldProblems(parsed.error.issues).map((p) => ({ ...p, path: `config.${p.path}` }));
    throw new DomainError('validation', `invalid ${type} channel settings`, problems);
  }
  return parsed.data;
}

export async function updateChannel(ctx: ServiceContext, orgId: string, id: string, patch: PatchChannel) {
  const current = await loadRow(ctx, orgId, id);
  const type = typeOf(current);
  const changes = patch.config ? parsePatch(type, patch.config) : {};
  await assertPublicChannelTargets(type, changes, ctx.config);
  if (type === 'email' && changes.to !== undefined) {
    const limits = await loadLimits(ctx.db, orgId, ctx.config);
    assertRecipients(limits.emailRecipientsPerChannel, changes.to);
  }
  const merged: Record<string, unknown> = {
    ...current.config,
    ...(openSecrets(ctx, current) ?? {}),
    ...changes,
  };
  await ctx.db
    .updateTable('channels')
    .set({
      name: patch.name ?? current.name,
      ...storedColumns(ctx, type, merged),
      updated_at: sql<Date>`now()`,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
  return toChannelView(ctx, await loadRow(ctx, orgId, id));
}

export async function deleteChannel(ctx: ServiceContext, orgId: string, id: string): Promise<void> {
  const row = await ctx.db
    .deleteFrom('channels')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('channel');
}

export async function getChannel(ctx: ServiceContext, orgId: string, id: string) {
  return toChannelView(ctx, await loadRow(ctx, orgId, id));
}

export async function listChannels(
  ctx: ServiceContext,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  let query = selectChannels(ctx, orgId);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => [row.cursor_at, row.id],
    (row) => toChannelView(ctx, row),
  );
}

const notifyQueues = new WeakMap<object, Queue>();

/** The notification queue over the API's Redis connection, opened once per connection. */
function notifyQueue(ctx: ServiceContext): Queue {
  let queue = notifyQueues.get(ctx.redis);
  if (!queue) {
    queue = new Queue(NOTIFY_QUEUE, {
      connection: ctx.redis,
      prefix: queuePrefix(ctx.redis, ctx.config.QUEUE_PREFIX, NOTIFY_QUEUE),
    });
    queue.on('error', (error) => ctx.logger.warn({ err: error }, 'notification queue error'));
    notifyQueues.set(ctx.redis, queue);
  }
  return queue;
}

/** Closes the notification queue opened for test alerts, if any. */
export async function closeNotifyQueue(ctx: ServiceContext): Promise<void> {
  const queue = notifyQueues.get(ctx.redis);
  notifyQueues.delete(ctx.redis);
  await queue?.close();
}

/**
 * Sends a `test` alert through the same path as real ones: an alert row in the outbox and a
 * notification job keyed by its id, delivered and logged by the notifier. When Redis is down the
 * outbox sweeper enqueues it later.
 */
export async function sendTestAlert(ctx: ServiceContext, orgId: string, id: string) {
  const channel = await withTenant(ctx.db, orgId, (db) => loadRow({ ...ctx, db }, orgId, id));
  const alertId = randomUUID();
  const payload = buildTestAlertPayload({
    alertId,
    occurredAtMs: ctx.clock.now().getTime(),
    channelName: channel.name,
  });
  // Committed (as the tenant) before the job is queued, so the notifier always finds the row.
  const row = await withTenant(ctx.db, orgId, (db) =>
    db
      .insertInto('alerts')
      .values({
        id: alertId,
        org_id: orgId,
        incident_id: null,
        monitor_id: null,
        channel_id: channel.id,
        event: 'test',
        status: 'pending',
        payload: JSON.stringify(payload),
      })
      .returning(['id', 'status', 'attempts', 'sent_at', 'last_error'])
      .executeTakeFirstOrThrow(),
  );
  try {
    const job: NotifyJob = { orgId, alertId, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
    await notifyQueue(ctx).add('notify', job, { ...jobPolicies.notify, jobId: notifyJobId(alertId) });
  } catch (error) {
    ctx.logger.warn({ err: error, alertId }, 'could not enqueue the test alert; the outbox sweeper will');
  }
  return {
    id: row.id,
    incidentId: null,
    channelId: channel.id,
    event: 'test' as const,
    status: row.status,
    attempts: row.attempts,
    sentAt: row.sent_at ? row.sent_at.toISOString() : null,
    lastError: row.last_error,
  };
}
