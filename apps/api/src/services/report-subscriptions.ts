import { sql } from 'kysely';
import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import type { CreateReportSubscription, PatchReportSubscription } from '../schemas/report-subscriptions';

function selectSubscriptions(ctx: TenantContext) {
  return ctx.db
    .selectFrom('report_subscriptions as s')
    .select([
      's.id',
      's.scope',
      's.monitor_id',
      's.component_id',
      's.recipients',
      's.format',
      's.enabled',
      's.created_at',
      's.updated_at',
      sql<string | null>`(SELECT max(d.month) FROM report_deliveries d
        WHERE d.subscription_id = s.id AND d.org_id = s.org_id)`.as('last_sent_month'),
    ])
    .where('s.org_id', '=', ctx.orgId);
}

type SubscriptionRow = Awaited<ReturnType<ReturnType<typeof selectSubscriptions>['executeTakeFirstOrThrow']>>;

function toView(row: SubscriptionRow) {
  return {
    id: row.id,
    scope: row.scope,
    targetId: row.monitor_id ?? row.component_id,
    recipients: row.recipients,
    format: row.format,
    enabled: row.enabled,
    lastSentMonth: row.last_sent_month,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function loadSubscription(ctx: TenantContext, id: string) {
  const row = await selectSubscriptions(ctx).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('report subscription');
  return toView(row);
}

/** Addresses as given, lower-cased and without repeats (one email each). */
const uniqueRecipients = (recipients: string[]) => [...new Set(recipients.map((r) => r.toLowerCase()))];

/** The monitor or component a subscription reports on, which must be this organization's (else a 400). */
async function requireTarget(ctx: TenantContext, input: CreateReportSubscription) {
  if (input.scope === 'organization' || input.targetId === undefined) return {};
  const table = input.scope === 'monitor' ? 'monitors' : 'status_page_components';
  const found = await ctx.db
    .selectFrom(table)
    .select('id')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', input.targetId.toLowerCase())
    .executeTakeFirst();
  if (!found) {
    throw apiErrors.invalid('report subscription', [
      { path: 'targetId', message: `${input.scope} not found` },
    ]);
  }
  return input.scope === 'monitor' ? { monitor_id: found.id } : { component_id: found.id };
}

/** Subscribes recipients to a monthly report; the first goes out on the 1st after it was created. */
export async function createReportSubscription(ctx: TenantContext, input: CreateReportSubscription) {
  const target = await requireTarget(ctx, input);
  const row = await ctx.db
    .insertInto('report_subscriptions')
    .values({
      org_id: ctx.orgId,
      scope: input.scope,
      ...target,
      recipients: uniqueRecipients(input.recipients),
      format: input.format,
      enabled: input.enabled,
      updated_at: sql`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return loadSubscription(ctx, row.id);
}

/** Changes the recipients, format or switch; what is reported on stays (a new subscription changes it). */
export async function updateReportSubscription(
  ctx: TenantContext,
  input: { id: string; patch: PatchReportSubscription },
) {
  const { recipients, format, enabled } = input.patch;
  const row = await ctx.db
    .updateTable('report_subscriptions')
    .set({
      ...(recipients !== undefined ? { recipients: uniqueRecipients(recipients) } : {}),
      ...(format !== undefined ? { format } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
      updated_at: sql`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', input.id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('report subscription');
  return loadSubscription(ctx, input.id);
}

export const getReportSubscription = loadSubscription;

/** Subscriptions, newest first. */
export async function listReportSubscriptions(
  ctx: TenantContext,
  page: { limit: number; cursor?: string | undefined },
) {
  return keysetPage(selectSubscriptions(ctx), byTimeThenId('s.created_at', 's.id'), page, toView);
}

export async function deleteReportSubscription(ctx: TenantContext, id: string): Promise<void> {
  const row = await ctx.db
    .deleteFrom('report_subscriptions')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('report subscription');
}
