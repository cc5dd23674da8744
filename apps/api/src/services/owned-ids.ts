import type { Database } from '@sentinelmesh/db';
import type { Kysely } from 'kysely';
import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { isUuid } from '../http/ids';

/**
 * The given ids, lower-cased and without repeats, and those among them that are not rows of `table`
 * in this organization (a malformed id is simply missing). Callers turn `missing` into their own 400.
 */
export async function findMissingIds(
  db: Kysely<Database>,
  table: 'monitors' | 'channels' | 'monitor_groups',
  orgId: string,
  ids: readonly string[],
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
          .execute();
  const known = new Set(found.map((row) => row.id));
  return { unique, missing: unique.filter((id) => !known.has(id)) };
}

/** Deletes the organization's row `id` of `table`; none there (or another organization's) is a 404 naming `what`. */
export async function deleteOwned(
  ctx: TenantContext,
  table: 'monitors' | 'maintenance_windows' | 'status_pages' | 'monitor_groups',
  id: string,
  what: string,
): Promise<void> {
  const row = await ctx.db
    .deleteFrom(table)
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound(what);
}
