import type { StatusPageIncidentImpact, StatusPageIncidentStatus } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { ActorContext, TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import { deleteOwned, findMissingIds } from './owned-ids';
import { announce } from './status-page-announcements';
import { invalidateStatusPagesAfterCommit } from './status-page-cache';

export const STATUS_WORDS: Record<StatusPageIncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export interface PageIncidentInput {
  title: string;
  status: StatusPageIncidentStatus;
  impact: StatusPageIncidentImpact;
  componentIds: string[];
  message: string;
}

async function requirePage(db: TenantDb, orgId: string, pageId: string) {
  const page = await db
    .selectFrom('status_pages')
    .select(['id', 'title'])
    .where('org_id', '=', orgId)
    .where('id', '=', pageId)
    .executeTakeFirst();
  if (!page) throw apiErrors.notFound('status page');
  return page;
}

/** The ids, deduplicated, when each names a component of the page; otherwise a 400 naming the others. */
async function checkComponents(db: TenantDb, orgId: string, pageId: string, ids: string[]) {
  const { unique, missing } = await findMissingIds(db, 'status_page_components', orgId, ids, pageId);
  if (missing.length > 0) {
    throw apiErrors.invalid('status page incident', [
      { path: 'componentIds', message: `no such component on this page: ${missing.join(', ')}` },
    ]);
  }
  return unique;
}

function selectIncidents(db: TenantDb, orgId: string) {
  return db
    .selectFrom('status_page_incidents as i')
    .select([
      'i.id',
      'i.status_page_id',
      'i.incident_id',
      'i.title',
      'i.status',
      'i.impact',
      'i.created_at',
      'i.updated_at',
      'i.resolved_at',
      // Components deleted since drop out of the list.
      sql<string[]>`coalesce((SELECT array_agg(c.id::text ORDER BY c.position) FROM status_page_components c
        WHERE c.org_id = i.org_id AND c.status_page_id = i.status_page_id AND c.id = ANY(i.component_ids)), '{}')`.as(
        'component_ids',
      ),
      sql<
        {
          id: string;
          status: StatusPageIncidentStatus;
          message: string;
          at: string;
          author_user_id: string | null;
        }[]
      >`
        coalesce((SELECT json_agg(json_build_object('id', u.id, 'status', u.status, 'message', u.message,
          'at', u.at, 'author_user_id', u.author_user_id) ORDER BY u.at, u.id)
        FROM status_page_incident_updates u WHERE u.org_id = i.org_id AND u.incident_id = i.id), '[]')`.as(
        'updates',
      ),
    ])
    .where('i.org_id', '=', orgId);
}

type IncidentRow = Awaited<ReturnType<ReturnType<typeof selectIncidents>['executeTakeFirstOrThrow']>>;

const iso = (value: string | Date) => new Date(value).toISOString();

const toPageIncident = (row: IncidentRow) => ({
  id: row.id,
  statusPageId: row.status_page_id,
  incidentId: row.incident_id,
  title: row.title,
  status: row.status,
  impact: row.impact,
  componentIds: row.component_ids,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  resolvedAt: row.resolved_at?.toISOString() ?? null,
  updates: row.updates.map((u) => ({
    id: u.id,
    status: u.status,
    message: u.message,
    at: iso(u.at),
    authorUserId: u.author_user_id,
  })),
});

/** The public view: newest update first, no author. */
export const toPublicPageIncident = (row: IncidentRow) => {
  const { statusPageId: _p, incidentId: _i, updates, ...rest } = toPageIncident(row);
  return { ...rest, updates: updates.reverse().map(({ authorUserId: _a, ...u }) => u) };
};

export async function getPageIncident(ctx: TenantContext, pageId: string, id: string) {
  const row = await selectIncidents(ctx.db, ctx.orgId)
    .where('i.status_page_id', '=', pageId)
    .where('i.id', '=', id)
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('status page incident');
  return toPageIncident(row);
}

export async function listPageIncidents(
  ctx: TenantContext,
  pageId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  await requirePage(ctx.db, ctx.orgId, pageId);
  return keysetPage(
    selectIncidents(ctx.db, ctx.orgId).where('i.status_page_id', '=', pageId),
    byTimeThenId('i.created_at', 'i.id'),
    page,
    toPageIncident,
  );
}

async function addUpdate(
  ctx: ActorContext,
  incident: { id: string; pageId: string; title: string },
  update: { status: StatusPageIncidentStatus; message: string; first: boolean },
) {
  const { db, orgId } = ctx;
  const at = ctx.clock.now();
  const row = await db
    .insertInto('status_page_incident_updates')
    .values({
      org_id: orgId,
      incident_id: incident.id,
      status: update.status,
      message: update.message,
      at,
      author_user_id: ctx.actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await announce(db, {
    orgId,
    statusPageIds: [incident.pageId],
    kind: update.first
      ? 'incident.created'
      : update.status === 'resolved'
        ? 'incident.resolved'
        : 'incident.updated',
    subjectId: incident.id,
    occurrenceKey: row.id,
    title: `${STATUS_WORDS[update.status]}: ${incident.title}`,
    body: update.message,
    at,
  });
}

async function insertIncident(
  ctx: ActorContext,
  pageId: string,
  input: PageIncidentInput & { incidentId?: string },
) {
  const { db, orgId } = ctx;
  const componentIds = await checkComponents(db, orgId, pageId, input.componentIds);
  const now = ctx.clock.now();
  await sql`SAVEPOINT page_incident_write`.execute(db);
  let id: string;
  try {
    ({ id } = await db
      .insertInto('status_page_incidents')
      .values({
        org_id: orgId,
        status_page_id: pageId,
        incident_id: input.incidentId ?? null,
        title: input.title,
        status: input.status,
        impact: input.impact,
        component_ids: componentIds,
        created_by: ctx.actor.userId,
        created_at: now,
        updated_at: now,
        resolved_at: input.status === 'resolved' ? now : null,
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow());
    await sql`RELEASE SAVEPOINT page_incident_write`.execute(db);
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT page_incident_write`.execute(db);
    if ((error as { code?: string }).code === '23505') throw apiErrors.promotedAlready();
    throw error;
  }
  await addUpdate(ctx, { id, pageId, title: input.title }, { ...input, first: true });
  invalidateStatusPagesAfterCommit(ctx, [pageId]);
  return getPageIncident(ctx, pageId, id);
}

/** Posts an incident on the page with its first update, and announces it to the page's subscribers. */
export async function createPageIncident(ctx: ActorContext, pageId: string, input: PageIncidentInput) {
  await requirePage(ctx.db, ctx.orgId, pageId);
  return insertIncident(ctx, pageId, input);
}

export async function updatePageIncident(
  ctx: ActorContext,
  input: {
    pageId: string;
    id: string;
    patch: {
      title?: string | undefined;
      impact?: StatusPageIncidentImpact | undefined;
      componentIds?: string[] | undefined;
    };
  },
) {
  const { db, orgId } = ctx;
  const { pageId, id, patch } = input;
  await getPageIncident(ctx, pageId, id);
  const componentIds = patch.componentIds
    ? await checkComponents(db, orgId, pageId, patch.componentIds)
    : undefined;
  await db
    .updateTable('status_page_incidents')
    .set({
      ...(patch.title ? { title: patch.title } : {}),
      ...(patch.impact ? { impact: patch.impact } : {}),
      ...(componentIds ? { component_ids: componentIds } : {}),
      updated_at: ctx.clock.now(),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
  invalidateStatusPagesAfterCommit(ctx, [pageId]);
  return getPageIncident(ctx, pageId, id);
}

/** Adds a timeline entry; its status becomes the incident's (resolved closes it, anything else reopens it). */
export async function postPageIncidentUpdate(
  ctx: ActorContext,
  input: { pageId: string; id: string; status: StatusPageIncidentStatus; message: string },
) {
  const { db, orgId } = ctx;
  const incident = await getPageIncident(ctx, input.pageId, input.id);
  const now = ctx.clock.now();
  await db
    .updateTable('status_page_incidents')
    .set({
      status: input.status,
      updated_at: now,
      resolved_at: input.status === 'resolved' ? (incident.resolvedAt ?? now) : null,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', input.id)
    .execute();
  await addUpdate(
    ctx,
    { id: input.id, pageId: input.pageId, title: incident.title },
    { status: input.status, message: input.message, first: false },
  );
  invalidateStatusPagesAfterCommit(ctx, [input.pageId]);
  return getPageIncident(ctx, input.pageId, input.id);
}

export async function deletePageIncident(ctx: TenantContext, pageId: string, id: string): Promise<void> {
  await deleteOwned(ctx, 'status_page_incidents', id, 'status page incident', pageId);
  invalidateStatusPagesAfterCommit(ctx, [pageId]);
}

/** Posts an automatic incident on a page, linked to it (once per page). */
export async function promoteIncident(
  ctx: ActorContext,
  incidentId: string,
  input: Omit<PageIncidentInput, 'status' | 'title'> & { statusPageId: string; title?: string | undefined },
) {
  const { db, orgId } = ctx;
  const incident = await db
    .selectFrom('incidents as i')
    .innerJoin('monitors as m', 'm.id', 'i.monitor_id')
    .select(['i.id', 'i.status', 'm.name'])
    .where('i.org_id', '=', orgId)
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
  if (!incident) throw apiErrors.notFound('incident');
  const pageId = isUuid(input.statusPageId) ? input.statusPageId.toLowerCase() : null;
  if (
    !pageId ||
    !(await db
      .selectFrom('status_pages')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', pageId)
      .executeTakeFirst())
  ) {
    throw apiErrors.invalid('promotion', [{ path: 'statusPageId', message: 'no such status page' }]);
  }
  return insertIncident(ctx, pageId, {
    title: input.title ?? `${incident.name} is unavailable`,
    status: incident.status === 'resolved' ? 'resolved' : 'investigating',
    impact: input.impact,
    componentIds: input.componentIds,
    message: input.message,
    incidentId: incident.id,
  });
}

/** Open incidents of a page, newest first, each with its updates: the public page's `incidents`. */
export async function openPageIncidents(ctx: TenantContext, pageId: string) {
  const rows = await selectIncidents(ctx.db, ctx.orgId)
    .where('i.status_page_id', '=', pageId)
    .where('i.resolved_at', 'is', null)
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(50)
    .execute();
  return rows.map(toPublicPageIncident);
}

export const HISTORY_DAYS = 90;

/** Incidents posted on the page in the last 90 days, newest first, keyset-paged. */
export async function pageIncidentHistory(
  ctx: TenantContext,
  pageId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const since = new Date(ctx.clock.now().getTime() - HISTORY_DAYS * 86_400_000);
  return keysetPage(
    selectIncidents(ctx.db, ctx.orgId)
      .where('i.status_page_id', '=', pageId)
      .where('i.created_at', '>=', since),
    byTimeThenId('i.created_at', 'i.id'),
    page,
    toPublicPageIncident,
  );
}
