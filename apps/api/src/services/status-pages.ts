import { type MonitorStatus, pageStatus, raisedByIncidents } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ServiceContext, TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { deleteOwned, findMissingIds } from './owned-ids';
import { invalidateStatusPagesAfterCommit } from './status-page-cache';
import { publicComponents } from './status-page-components';
import { shownStates } from './status-page-degraded';
import { openPageIncidents } from './status-page-incidents';
import { pageMaintenance } from './status-page-maintenance';
import {
  componentsColumn,
  type StatusPageSettingsInput,
  saveStatusPageSettings,
  settingsColumns,
  statusPageBranding,
  toSettingsView,
} from './status-page-settings';
import { statusPageUptime } from './status-page-uptime';

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

async function checkMonitors(db: TenantDb, orgId: string, ids: string[]): Promise<string[]> {
  const { unique, missing } = await findMissingIds(db, 'monitors', orgId, ids);
  if (missing.length > 0) {
    throw apiErrors.invalid('status page', [
      { path: 'monitorIds', message: `no such monitor: ${missing.join(', ')}` },
    ]);
  }
  return unique;
}

/** Keeps the component of each monitor that stays on the page. */
async function linkMonitors(db: TenantDb, orgId: string, pageId: string, monitorIds: string[]) {
  const gone = db
    .deleteFrom('status_page_monitors')
    .where('org_id', '=', orgId)
    .where('status_page_id', '=', pageId);
  await (monitorIds.length > 0 ? gone.where('monitor_id', 'not in', monitorIds) : gone).execute();
  if (monitorIds.length === 0) return;
  await db
    .insertInto('status_page_monitors')
    .values(
      monitorIds.map((monitor_id, position) => ({
        org_id: orgId,
        status_page_id: pageId,
        monitor_id,
        position,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['status_page_id', 'monitor_id'])
        .doUpdateSet((eb) => ({ position: eb.ref('excluded.position') })),
    )
    .execute();
}

/** The organization's pages as the read model shows them, with their settings and components. */
export function selectPages(db: TenantDb, orgId: string) {
  return db
    .selectFrom('status_pages as p')
    .select([
      'p.id',
      'p.slug',
      'p.title',
      'p.created_at',
      'p.updated_at',
      'p.key',
      'p.managed',
      sql<string[]>`coalesce((SELECT array_agg(spm.monitor_id::text ORDER BY spm.position)
        FROM status_page_monitors spm WHERE spm.status_page_id = p.id AND spm.org_id = p.org_id), '{}')`.as(
        'monitor_ids',
      ),
      ...settingsColumns,
      componentsColumn,
    ])
    .where('p.org_id', '=', orgId);
}

export type PageRow = Awaited<ReturnType<ReturnType<typeof selectPages>['executeTakeFirstOrThrow']>>;

const toStatusPage = (row: PageRow) => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  monitorIds: row.monitor_ids,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  key: row.key,
  managed: row.managed,
  ...toSettingsView(row),
});

export async function getStatusPage(ctx: TenantContext, id: string) {
  const row = await selectPages(ctx.db, ctx.orgId).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('status page');
  return toStatusPage(row);
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listStatusPages(
  ctx: TenantContext,
  page: { key?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const all = selectPages(ctx.db, ctx.orgId);
  return keysetPage(
    page.key ? all.where('p.key', '=', page.key) : all,
    byTimeThenId('p.created_at', 'p.id'),
    page,
    toStatusPage,
  );
}

export async function createStatusPage(
  ctx: TenantContext,
  input: { slug: string; title: string; monitorIds: string[] } & StatusPageSettingsInput,
) {
  const { db, orgId } = ctx;
  const monitorIds = await checkMonitors(db, orgId, input.monitorIds);
  // A savepoint, so a taken slug is a 409 without aborting the tenant transaction.
  const row = await insertUnique(db, () =>
    db
      .insertInto('status_pages')
      .values({ org_id: orgId, slug: input.slug, title: input.title, updated_at: sql`now()` })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  await linkMonitors(db, orgId, row.id, monitorIds);
  invalidateStatusPagesAfterCommit(ctx, [row.id]);
  await saveStatusPageSettings(
    db,
    orgId,
    row.id,
    input,
    (write) => insertUnique(db, write),
    (ids) => linkMonitors(db, orgId, row.id, ids),
  );
  return getStatusPage(ctx, row.id);
}

export async function updateStatusPage(
  ctx: TenantContext,
  input: {
    id: string;
    patch: {
      slug?: string | undefined;
      title?: string | undefined;
      monitorIds?: string[] | undefined;
    } & StatusPageSettingsInput;
  },
) {
  const { db, orgId } = ctx;
  const { id, patch } = input;
  await getStatusPage(ctx, id);
  const monitorIds = patch.monitorIds ? await checkMonitors(db, orgId, patch.monitorIds) : undefined;
  await insertUnique(db, () =>
    db
      .updateTable('status_pages')
      .set({
        ...(patch.slug ? { slug: patch.slug } : {}),
        ...(patch.title ? { title: patch.title } : {}),
        updated_at: sql`now()`,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute(),
  );
  if (monitorIds) await linkMonitors(db, orgId, id, monitorIds);
  invalidateStatusPagesAfterCommit(ctx, [id]);
  await saveStatusPageSettings(
    db,
    orgId,
    id,
    patch,
    (write) => insertUnique(db, write),
    (ids) => linkMonitors(db, orgId, id, ids),
  );
  return getStatusPage(ctx, id);
}

export async function deleteStatusPage(ctx: TenantContext, id: string): Promise<void> {
  await deleteOwned(ctx, 'status_pages', id, 'status page');
  invalidateStatusPagesAfterCommit(ctx, [id]);
}

async function insertUnique<T>(db: TenantDb, write: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT slug_write`.execute(db);
  try {
    const result = await write();
    await sql`RELEASE SAVEPOINT slug_write`.execute(db);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT slug_write`.execute(db);
    if (isUniqueViolation(error))
      throw (error as { constraint?: string }).constraint === 'status_pages_custom_domain_idx'
        ? apiErrors.domainTaken()
        : apiErrors.slugTaken();
    throw error;
  }
}

/** Slugs are global: finding the page's organization is the one cross-tenant read of the public route. */
export async function statusPageOrg(ctx: ServiceContext, slug: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('status_pages')
    .select('org_id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row?.org_id ?? null;
}

/** What anyone may see: the page, each monitor's current status and its daily uptime for 90 days. */
export async function publicStatusPage(ctx: TenantContext, slug: string) {
  const { db, orgId } = ctx;
  const now = ctx.clock.now();
  const page = await db
    .selectFrom('status_pages')
    .select(['id', 'slug', 'title'])
    .where('org_id', '=', orgId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!page) throw apiErrors.notFound('status page');
  const monitors = await db
    .selectFrom('status_page_monitors as spm')
    .innerJoin('monitors as m', 'm.id', 'spm.monitor_id')
    .leftJoin('monitor_state as s', 's.monitor_id', 'm.id')
    .select(['m.id', 'm.name', 's.status'])
    .where('spm.org_id', '=', orgId)
    .where('spm.status_page_id', '=', page.id)
    .orderBy('spm.position')
    .execute();
  const uptime = await statusPageUptime(
    db,
    orgId,
    monitors.map((m) => m.id),
    now,
  );
  const views = monitors.map((m) => ({
    id: m.id,
    name: m.name,
    status: (m.status ?? 'pending') as MonitorStatus,
    uptimePercent: uptime.get(m.id)?.uptimePercent ?? null,
    dataSince: uptime.get(m.id)?.dataSince ?? null,
    uptime90d: uptime.get(m.id)?.uptime90d ?? [],
  }));
  const shown = await shownStates(db, orgId, views, now);
  const incidents = await openPageIncidents(ctx, page.id);
  return {
    slug: page.slug,
    title: page.title,
    status: raisedByIncidents(pageStatus([...shown.values()]), incidents),
    monitors: views.map((v) => ({ ...v, state: shown.get(v.id) ?? ('pending' as const) })),
    components: await publicComponents(db, orgId, page.id, views, shown),
    branding: await statusPageBranding(db, orgId, page.id),
    incidents,
    maintenance: await pageMaintenance(
      db,
      orgId,
      monitors.map((m) => m.id),
      now,
    ),
  };
}
