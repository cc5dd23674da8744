import type { Database, Db } from '@sentinelmesh/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { isUuid } from '../http/ids';

/** The role row-level security binds to one organization (created by migration 0004-api). */
export const TENANT_ROLE = 'sentinelmesh_tenant';

/** A query executor bound to one organization: a transaction running as the tenant role. */
export type TenantDb = Kysely<Database>;

/**
 * Runs `fn` in a transaction as the tenant role with `app.org_id` set, so Postgres row-level security
 * hides every other organization's rows even from a query that forgot its org_id filter. Both settings
 * are transaction-local: the pooled connection goes back clean.
 */
export async function withTenant<T>(
  db: Db,
  orgId: string,
  fn: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!isUuid(orgId)) throw new Error('withTenant needs an organization id');
  const run = async (tx: Transaction<Database>) => {
    await sql`SELECT set_config('app.org_id', ${orgId}, true), set_config('role', ${TENANT_ROLE}, true)`.execute(
      tx,
    );
    return fn(tx);
  };
  if (db.isTransaction) return run(db as Transaction<Database>);
  return db.transaction().execute(run);
}

/** A transaction of its own, or the caller's when it already is one (Kysely cannot nest them). */
export function inTransaction<T>(
  db: Kysely<Database>,
  fn: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
