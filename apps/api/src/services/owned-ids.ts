import type { Database } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';
import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { isUuid } from '../http/ids';

/**
 * The given ids, lower-cased and without repeats, and those among them that are not rows of `table`
 * in this organization (a malformed id is simply missing). Callers turn `missing` into their own 400.
 * With `statusPageId`, rows of a page's table count only when they belong to that page.
 */
export async function findMissingIds(
  db: Kysely<Database>,
  table: 'monitors' | 'channels' | 'monitor_groups' | 'status_page_components',
  orgId: string,
  ids: readonly string[],
  statusPageId?: string,
): Promise<{ unique: string[]; missing: string[] }> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const wellFormed = unique.filter(isUuid);
  const found =
    wellFormed.length === 0
      ? []
      : await db
          .selectFrom(table)
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', 'in', wellFormed)
          .$if(statusPageId !== undefined, (q) => q.where(sql.ref('status_page_id'), '=', statusPageId))
          .execute();
  const known = new Set(found.map((row) => row.id));
  return { unique, missing: unique.filter((id) => !known.has(id)) };
}

/**
 * Deletes the organization's row `id` of `table` (of page `statusPageId`, for a page's table); none
 * there (or another organization's) is a 404 naming `what`.
 */
export async function deleteOwned(
  ctx: TenantContext,
  table:
    | 'monitors'
    | 'maintenance_windows'
    | 'status_pages'
    | 'monitor_groups'
    | 'status_page_incidents'
    | 'status_page_subscribers',
  id: string,
  what: string,
  statusPageId?: string,
): Promise<void> {
  const row = await ctx.db
    .deleteFrom(table)
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .$if(statusPageId !== undefined, (q) => q.where(sql.ref('status_page_id'), '=', statusPageId))
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound(what);
}
