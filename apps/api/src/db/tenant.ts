import type { Database } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';
import { isUuid } from '../http/ids';

/** The role row-level security binds to one organization (created by migration 0004-api). */
export const TENANT_ROLE = 'sentinelmesh_tenant';

/**
 * Makes the rest of transaction `tx` run as the tenant role with `app.org_id` set, so Postgres
 * row-level security hides every other organization's rows even from a query that forgot its org_id
 * filter. Both settings are transaction-local: the pooled connection goes back clean.
 */
export async function bindTenant(tx: Kysely<Database>, orgId: string): Promise<void> {
  if (!isUuid(orgId)) throw new Error('a tenant transaction needs an organization id');
  await sql`SELECT set_config('app.org_id', ${orgId}, true), set_config('role', ${TENANT_ROLE}, true)`.execute(
    tx,
  );
}
