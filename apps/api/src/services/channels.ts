import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildTestAlertPayload,
  type ChannelMoment,
  type ChannelTypeName,
  channelType,
  channelView,
  hasRole,
  isChannelTypeName,
  jobPolicies,
  NOTIFY_QUEUE,
  type NotifyJob,
  notifyJobId,
} from '@sentinelmesh/core';
import { queuePrefix } from '@sentinelmesh/platform';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import type { ActorContext, ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { zodFieldProblems } from '../http/field-problems';
import type { CreateChannel, PatchChannel } from '../schemas/channels';
import type { TargetVerdict } from './channel-targets';
import { assertRecipients, assertRoomFor, loadLimits, lockOrganization } from './quotas';

export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

type Secrets = Record<string, unknown>;

/**
 * The channels the caller may see: the shared ones, their own personal ones and, for admins and
 * owners, everyone's personal ones (so they know what exists and can remove it).
 */
function selectChannels(ctx: ActorContext) {
  const query = ctx.db
    .selectFrom('channels')
    .select([
      'id',
      'type',
      'name',
      'config',
      'secrets',
      'is_default',
      'user_id',
      'created_at',
      'updated_at',
      'key',
      'managed',
    ])
    .where('org_id', '=', ctx.orgId);
  if (hasRole(ctx.actor.role, 'admin')) return query;
  return query.where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', ctx.actor.userId)]));
}

type ChannelRow = Awaited<ReturnType<ReturnType<typeof selectChannels>['executeTakeFirstOrThrow']>>;

function openSecrets(ctx: TenantContext, row: Pick<ChannelRow, 'id' | 'secrets'>): Secrets | null {
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
function toChannelView(ctx: TenantContext, row: ChannelRow, moment: ChannelMoment = 'read') {
  const type = typeOf(row);
  return {
    id: row.id,
    type,
    name: row.name,
    config: channelView(type, { config: row.config, secrets: openSecrets(ctx, row) }, moment),
    isDefault: row.is_default,
    personal: row.user_id !== null,
    userId: row.user_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    key: row.key,
    managed: row.managed,
  };
}

/** Refuses settings whose fields do not fit together (the type's `problems`), naming each field. */
function assertWhole(type: ChannelTypeName, settings: Record<string, unknown>) {
  const problems = channelType(type).problems?.(settings) ?? [];
  if (problems.length > 0) {
    throw apiErrors.invalidChannelSettings(
      type,
      problems.map((p) => ({ path: `config.${p.field}`, message: p.message })),
    );
  }
}

/** The values of a channels row for a type's settings: the clear part and the sealed part. */
function storedColumns(ctx: TenantContext, type: ChannelTypeName, settings: Record<string, unknown>) {
  const parts = channelType(type).split(settings);
  return {
    config: JSON.stringify(parts.config),
    secrets: parts.secrets ? ctx.box.seal(parts.secrets) : null,
  };
}

async function loadRow(ctx: ActorContext, id: string): Promise<ChannelRow> {
  const row = await selectChannels(ctx).where('id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('channel');
  return row;
}

/** A personal channel is changed and tested by its owner only; admins see it and may delete it. */
async function loadOwnRow(ctx: ActorContext, id: string): Promise<ChannelRow> {
  const row = await loadRow(ctx, id);
  if (row.user_id !== null && row.user_id !== ctx.actor.userId) throw apiErrors.personalChannel();
  return row;
}

/**
 * The organization's lock holds until the request's commit. Its target URLs are screened by the
 * caller before the transaction opens (screenChannelTargets: DNS is not waited for inside one).
 */
export async function createChannel(ctx: ActorContext, input: CreateChannel) {
  if (input.personal) {
    if (ctx.actor.apiKeyId) throw apiErrors.apiKeyRefused('create a personal channel');
    if (input.isDefault) {
      throw apiErrors.invalid('channel', [
        { path: 'isDefault', message: 'a personal channel cannot be a default' },
      ]);
    }
  }
  await lockOrganization(ctx.db, ctx.orgId);
  const limits = await loadLimits(ctx.db, ctx.orgId, ctx.config);
  await assertRoomFor(ctx.db, ctx.orgId, 'channels', limits.channels);
  if (input.type === 'email') assertRecipients(limits.emailRecipientsPerChannel, input.config.to);
  const type = channelType(input.type);
  const settings = type.complete ? type.complete(input.config, generateWebhookSecret) : input.config;
  assertWhole(input.type, settings);
  const { id } = await ctx.db
    .insertInto('channels')
    .values({
      org_id: ctx.orgId,
      type: input.type,
      name: input.name,
      is_default: input.isDefault ?? false,
      user_id: input.personal ? ctx.actor.userId : null,
      ...storedColumns(ctx, input.type, settings),
      updated_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toChannelView(ctx, await loadRow(ctx, id), 'created');
}

function parsePatch(type: ChannelTypeName, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = channelType(type).settings.partial().safeParse(config);
  if (!parsed.success) {
    const problems = zodFieldProblems(parsed.error.issues).map((p) => ({ ...p, path: `config.${p.path}` }));
    throw apiErrors.invalidChannelSettings(type, problems);
  }
  return parsed.data;
}

/** `targets`: the patch's URLs screened before the transaction (screenChannelTargets). */
export async function updateChannel(
  ctx: ActorContext,
  input: { id: string; patch: PatchChannel; targets: TargetVerdict },
) {
  const { id, patch } = input;
  const current = await loadOwnRow(ctx, id);
  if (patch.isDefault && current.user_id !== null) {
    throw apiErrors.invalid('channel', [
      { path: 'isDefault', message: 'a personal channel cannot be a default' },
    ]);
  }
  const type = typeOf(current);
  const changes = patch.config ? parsePatch(type, patch.config) : {};
  input.targets(type);
  if (type === 'email' && changes.to !== undefined) {
    const limits = await loadLimits(ctx.db, ctx.orgId, ctx.config);
    assertRecipients(limits.emailRecipientsPerChannel, changes.to);
  }
  // Secrets left out of the patch keep their stored values; without a config the sealed column is not rewritten.
  const merged: Record<string, unknown> = {
    ...current.config,
    ...(openSecrets(ctx, current) ?? {}),
    ...changes,
  };
  if (patch.config) assertWhole(type, merged);
  await ctx.db
    .updateTable('channels')
    .set({
      name: patch.name ?? current.name,
      is_default: patch.isDefault ?? current.is_default,
      ...(patch.config ? storedColumns(ctx, type, merged) : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .execute();
  return toChannelView(ctx, await loadRow(ctx, id));
}

export async function deleteChannel(ctx: ActorContext, id: string): Promise<void> {
  await loadRow(ctx, id);
  const row = await ctx.db
    .deleteFrom('channels')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('channel');
}

export async function getChannel(ctx: ActorContext, id: string) {
  return toChannelView(ctx, await loadRow(ctx, id));
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listChannels(
  ctx: ActorContext,
  page: { key?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const query = page.key ? selectChannels(ctx).where('key', '=', page.key) : selectChannels(ctx);
  return keysetPage(query, byTimeThenId('created_at', 'id'), page, (row) => toChannelView(ctx, row));
}

const notifyQueues = new WeakMap<object, Queue>();

/** The notification queue over the API's Redis connection, opened once per connection. */
export function notifyQueue(ctx: Pick<ServiceContext, 'redis' | 'config' | 'logger'>): Queue {
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
export async function closeNotifyQueue(ctx: Pick<ServiceContext, 'redis'>): Promise<void> {
  const queue = notifyQueues.get(ctx.redis);
  notifyQueues.delete(ctx.redis);
  await queue?.close();
}

/**
 * Sends a `test` alert through the same path as real ones: an alert row in the outbox and a
 * notification job keyed by its id, delivered and logged by the notifier. The job is queued once the
 * request's transaction has committed, so the notifier always finds the row; when Redis is down the
 * outbox sweeper enqueues it later. Delivery itself (SMTP, webhooks) happens in the notifier.
 */
export async function sendTestAlert(ctx: ActorContext, id: string) {
  const channel = await loadOwnRow(ctx, id);
  const alertId = randomUUID();
  const payload = buildTestAlertPayload({
    alertId,
    occurredAtMs: ctx.clock.now().getTime(),
    channelName: channel.name,
  });
  const row = await ctx.db
    .insertInto('alerts')
    .values({
      id: alertId,
      org_id: ctx.orgId,
      incident_id: null,
      monitor_id: null,
      channel_id: channel.id,
      event: 'test',
      status: 'pending',
      payload: JSON.stringify(payload),
    })
    .returning(['id', 'status', 'attempts', 'sent_at', 'last_error'])
    .executeTakeFirstOrThrow();
  ctx.afterCommit(async () => {
    try {
      const job: NotifyJob = { orgId: ctx.orgId, alertId, requestId: ctx.requestId };
      await notifyQueue(ctx).add('notify', job, { ...jobPolicies.notify, jobId: notifyJobId(alertId) });
    } catch (error) {
      ctx.logger.warn({ err: error, alertId }, 'could not enqueue the test alert; the outbox sweeper will');
    }
  });
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
