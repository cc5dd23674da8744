import type { ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { isUuid } from '../http/ids';
import { shownStates } from './status-page-degraded';

/** A page's organization and slug by the host it is served on: a cross-tenant read, like the slug's. */
export async function statusPageByDomain(
  ctx: ServiceContext,
  host: string,
): Promise<{ orgId: string; slug: string } | null> {
  const row = await ctx.db
    .selectFrom('status_pages')
    .select(['org_id', 'slug'])
    .where('custom_domain', '=', host.toLowerCase().replace(/\.$/, ''))
    .executeTakeFirst();
  return row ? { orgId: row.org_id, slug: row.slug } : null;
}

/**
 * A monitor a badge may describe: on the page `slug`, whose badges are on. Anything else is the
 * same 404, so a badge URL tells nothing about monitors that are not shown.
 */
export async function badgeMonitor(ctx: TenantContext, slug: string, monitorId: string) {
  const { db, orgId } = ctx;
  if (!isUuid(monitorId)) throw apiErrors.notFound('badge');
  const row = await db
    .selectFrom('status_pages as p')
    .innerJoin('status_page_monitors as spm', 'spm.status_page_id', 'p.id')
    .innerJoin('monitors as m', 'm.id', 'spm.monitor_id')
    .leftJoin('monitor_state as s', 's.monitor_id', 'm.id')
    .select(['m.id', 'm.name', 's.status'])
    .where('p.org_id', '=', orgId)
    .where('p.slug', '=', slug)
    .where('p.badges_enabled', '=', true)
    .where('spm.org_id', '=', orgId)
    .where('m.id', '=', monitorId)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('badge');
  const status = row.status ?? 'pending';
  const state = (await shownStates(db, orgId, [{ id: row.id, status }], ctx.clock.now())).get(row.id);
  return { id: row.id, name: row.name, state: state ?? 'pending' };
}
