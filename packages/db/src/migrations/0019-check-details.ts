import { type Kysely, sql } from 'kysely';
import { TENANT_ORG_ID } from '../partitions';

/**
 * `check_results.details`: the measures a check type reports beyond the phases (a ping's RTT and
 * loss, the steps of a multi-step check, Web Vitals), as a JSON array of `{label, value, unit?}`;
 * null for results that report none. The tenant view is re-created with the column.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE check_results ADD COLUMN details jsonb`.execute(db);
  await tenantView(db, true);
}

async function tenantView(db: Kysely<any>, withDetails: boolean): Promise<void> {
  const details = withDetails ? sql`, details` : sql``;
  await sql`DROP VIEW tenant_check_results`.execute(db);
  await sql`
    CREATE VIEW tenant_check_results WITH (security_barrier) AS
    SELECT org_id, monitor_id, scheduled_at, checked_at, region, kind, attempt, ok, status_code, latency_ms,
      phases, cert_expires_at, error_kind, error_message, failed_assertions${details}
    FROM check_results WHERE org_id = ${TENANT_ORG_ID}
  `.execute(db);
  await sql`REVOKE ALL ON tenant_check_results FROM sentinelmesh_tenant`.execute(db);
  await sql`GRANT SELECT ON tenant_check_results TO sentinelmesh_tenant`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await tenantView(db, false);
  await sql`ALTER TABLE check_results DROP COLUMN details`.execute(db);
}
