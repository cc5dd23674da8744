import { randomBytes } from 'node:crypto';
import type { ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { privateReason } from './channel-targets';
import { hashOneTimeToken, newOneTimeToken } from './one-time-tokens';
import { deleteOwned } from './owned-ids';
import { readUnsubscribeToken, subscriberLinks } from './subscriber-links';

/** How long a confirmation link works. */
export const CONFIRM_TTL_HOURS = 48;

async function requirePage(ctx: TenantContext, pageId: string) {
  const page = await ctx.db
    .selectFrom('status_pages')
    .select(['id', 'slug', 'title'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', pageId)
    .executeTakeFirst();
  if (!page) throw apiErrors.notFound('status page');
  return page;
}

/**
 * Email subscription, step one: a confirmation link to the address. The answer is the same whether
 * the address is new, waiting for confirmation (a fresh link replaces the old) or confirmed already
 * (nothing is sent), so it never tells whether an address is subscribed.
 */
export async function subscribeEmail(ctx: TenantContext, pageId: string, address: string): Promise<void> {
  const page = await requirePage(ctx, pageId);
  const email = address.trim().toLowerCase();
  const { token, hash } = newOneTimeToken();
  const expires = new Date(ctx.clock.now().getTime() + CONFIRM_TTL_HOURS * 3_600_000);
  const row = await ctx.db
    .insertInto('status_page_subscribers')
    .values({
      org_id: ctx.orgId,
      status_page_id: page.id,
      kind: 'email',
      email,
      confirm_token_hash: hash,
      confirm_expires_at: expires,
    })
    .onConflict((oc) =>
      oc
        .columns(['status_page_id', 'email'])
        .where('email', 'is not', null)
        .doUpdateSet({ confirm_token_hash: hash, confirm_expires_at: expires })
        .where('status_page_subscribers.confirmed_at', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  if (!row) return; // confirmed already: nothing to send
  const link = subscriberLinks(ctx.config.DASHBOARD_ORIGIN, page.slug).confirm(token);
  ctx.afterCommit(() =>
    ctx.mailer.send({
      to: email,
      subject: `Confirm your subscription to ${page.title}`,
      lines: [
        `Someone asked to receive the incident and maintenance updates of the status page "${page.title}" at this address.`,
        `If it was you, confirm with the link below (valid for ${CONFIRM_TTL_HOURS} hours). If not, ignore this email: nothing more will be sent.`,
      ],
      link,
    }),
  );
}

/** Webhook subscription: a public target only (unless the deployment allows private ones); the secret is shown once. */
export async function subscribeWebhook(ctx: TenantContext, pageId: string, url: string) {
  await requirePage(ctx, pageId);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await ctx.db
    .insertInto('status_page_subscribers')
    .values({
      org_id: ctx.orgId,
      status_page_id: pageId,
      kind: 'webhook',
      webhook_url: url,
      secret: ctx.box.seal(secret),
      confirmed_at: ctx.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, secret };
}

/** The 400 for a webhook URL leading to a private address, checked before the transaction opens (DNS). */
export async function screenWebhookUrl(ctx: Pick<ServiceContext, 'config'>, url: string): Promise<void> {
  if (ctx.config.ALLOW_PRIVATE_TARGETS) return;
  const reason = await privateReason(url);
  if (reason) {
    throw apiErrors.invalid('subscription', [
      {
        path: 'webhookUrl',
        message: `must be a public address: ${reason}, and this deployment does not allow private targets`,
      },
    ]);
  }
}

/** Step two of an email subscription: the emailed link's token. Spent on use; expired or unknown is a 400. */
export async function confirmSubscription(ctx: ServiceContext, token: string) {
  // The token names the organization: a service-role lookup by its hash, as for account links.
  const row = await ctx.db
    .updateTable('status_page_subscribers as s')
    .from('status_pages as p')
    .set({ confirmed_at: ctx.clock.now(), confirm_token_hash: null, confirm_expires_at: null })
    .whereRef('p.id', '=', 's.status_page_id')
    .whereRef('p.org_id', '=', 's.org_id')
    .where('s.confirm_token_hash', '=', hashOneTimeToken(token))
    .where('s.confirm_expires_at', '>', ctx.clock.now())
    .returning(['p.slug', 'p.title'])
    .executeTakeFirst();
  if (!row) throw apiErrors.invalidLink('confirmation');
  return { statusPage: { slug: row.slug, title: row.title } };
}

/** One-click unsubscribe: the subscriber is deleted with what was queued for it. Again is fine. */
export async function unsubscribe(ctx: ServiceContext, token: string): Promise<void> {
  const id = readUnsubscribeToken(ctx.config.SECRETS_KEY, token);
  if (!id) throw apiErrors.invalidLink('unsubscribe');
  await ctx.db.deleteFrom('status_page_subscribers').where('id', '=', id).execute();
}

export async function listSubscribers(
  ctx: TenantContext,
  pageId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  await requirePage(ctx, pageId);
  return keysetPage(
    ctx.db
      .selectFrom('status_page_subscribers as s')
      .select(['s.id', 's.kind', 's.email', 's.webhook_url', 's.confirmed_at', 's.created_at'])
      .where('s.org_id', '=', ctx.orgId)
      .where('s.status_page_id', '=', pageId),
    byTimeThenId('s.created_at', 's.id'),
    page,
    (row) => ({
      id: row.id,
      kind: row.kind,
      email: row.email,
      webhookUrl: row.webhook_url,
      confirmed: row.confirmed_at !== null,
      confirmedAt: row.confirmed_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
    }),
  );
}

export async function deleteSubscriber(ctx: TenantContext, pageId: string, id: string): Promise<void> {
  await deleteOwned(ctx, 'status_page_subscribers', id, 'subscriber', pageId);
}

/** How long sent and failed deliveries are kept (what was sent to whom, for support questions). */
export const DELIVERY_LOG_DAYS = 30;

/** Forgets subscribers who never confirmed once their link expired, and deliveries past the log's age. */
export async function pruneSubscriberRows(db: ServiceContext['db'], now: Date): Promise<void> {
  await db
    .deleteFrom('status_page_subscribers')
    .where('confirmed_at', 'is', null)
    .where('confirm_expires_at', '<', now)
    .execute();
  await db
    .deleteFrom('status_page_deliveries')
    .where('status', '<>', 'pending')
    .where('created_at', '<', new Date(now.getTime() - DELIVERY_LOG_DAYS * 86_400_000))
    .execute();
}
