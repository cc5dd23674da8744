import { randomBytes } from 'node:crypto';
import { notFound } from '@sentinelmesh/core';
import { type SqlBool, sql } from 'kysely';
import type { ServiceContext } from '../context';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import type { CreateChannel, PatchChannel } from '../schemas/channels';

interface WebhookSecrets {
  secret: string;
}

export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
export const maskSecret = (secret: string) => `whsec_…${secret.slice(-4)}`;

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

function openSecrets(ctx: ServiceContext, row: Pick<ChannelRow, 'id' | 'secrets'>): WebhookSecrets | null {
  if (!row.secrets) return null;
  try {
    return ctx.box.open<WebhookSecrets>(row.secrets);
  } catch (error) {
    ctx.logger.warn(
      { err: error, channelId: row.id },
      'cannot open channel secrets (was SECRETS_KEY changed?)',
    );
    return null;
  }
}

/** Secrets are write-only: responses carry a mask, except the one create response that reveals it. */
function toChannelView(ctx: ServiceContext, row: ChannelRow, revealed?: string) {
  const secret = revealed ?? openSecrets(ctx, row)?.secret;
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    config: {
      url: String(row.config.url ?? ''),
      secret: revealed ?? (secret ? maskSecret(secret) : 'whsec_…'),
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function loadRow(ctx: ServiceContext, orgId: string, id: string): Promise<ChannelRow> {
  const row = await selectChannels(ctx, orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('channel');
  return row;
}

export async function createChannel(ctx: ServiceContext, orgId: string, input: CreateChannel) {
  const secret = input.config.secret ?? generateWebhookSecret();
  const { id } = await ctx.db
    .insertInto('channels')
    .values({
      org_id: orgId,
      type: input.type,
      name: input.name,
      config: JSON.stringify({ url: input.config.url }),
      secrets: ctx.box.seal({ secret } satisfies WebhookSecrets),
      updated_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toChannelView(ctx, await loadRow(ctx, orgId, id), secret);
}

export async function updateChannel(ctx: ServiceContext, orgId: string, id: string, patch: PatchChannel) {
  const current = await loadRow(ctx, orgId, id);
  const url = patch.config?.url ?? String(current.config.url ?? '');
  const secrets = patch.config?.secret ? ctx.box.seal({ secret: patch.config.secret }) : current.secrets;
  await ctx.db
    .updateTable('channels')
    .set({
      name: patch.name ?? current.name,
      config: JSON.stringify({ ...current.config, url }),
      secrets,
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
