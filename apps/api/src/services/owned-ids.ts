import type { Database } from '@sentinelmesh/db';
import type { Kysely } from 'kysely';
import { isUuid } from '../http/ids';

/**
 * The given ids, lower-cased and without repeats, and those among them that are not rows of `table`
 * in this organization (a malformed id is simply missing). Callers turn `missing` into their own 400.
 */
export async function findMissingIds(
  db: Kysely<Database>,
  table: 'monitors' | 'channels',
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
