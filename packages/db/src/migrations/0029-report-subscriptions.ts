import { type Kysely, sql } from 'kysely';

const tenantCondition = sql`org_id = nullif(current_setting('app.org_id', true), '')::uuid`;

/** The same grants and the same two policies as every tenant table of 0004-api. */
async function protect(db: Kysely<any>, table: string): Promise<void> {
  const t = sql.id(table);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO sentinelmesh_tenant`.execute(db);
  await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY service_access ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`CREATE POLICY tenant_isolation ON ${t} AS RESTRICTIVE FOR ALL TO sentinelmesh_tenant
    USING (${tenantCondition}) WITH CHECK (${tenantCondition})`.execute(db);
}

/**
 * Monthly SLA report emails (ADR 0044): a subscription names what to report on (a monitor, a status
 * page component or the whole organization), the recipients and the format. A delivery row per
 * subscription and month is claimed in the transaction that sends it, so each month goes out once
 * across restarts and API replicas. Deleting the monitor or component deletes its subscriptions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE report_subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      scope text NOT NULL CHECK (scope IN ('monitor', 'component', 'organization')),
      monitor_id uuid,
      component_id uuid,
      recipients text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 20),
      format text NOT NULL CHECK (format IN ('pdf', 'csv')),
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((monitor_id IS NOT NULL) = (scope = 'monitor')),
      CHECK ((component_id IS NOT NULL) = (scope = 'component')),
      FOREIGN KEY (org_id, monitor_id) REFERENCES monitors (org_id, id) ON DELETE CASCADE,
      FOREIGN KEY (org_id, component_id) REFERENCES status_page_components (org_id, id) ON DELETE CASCADE,
      UNIQUE (org_id, id)
    );
    CREATE INDEX report_subscriptions_org_idx ON report_subscriptions (org_id, created_at DESC, id DESC);
    CREATE INDEX report_subscriptions_monitor_idx ON report_subscriptions (monitor_id) WHERE monitor_id IS NOT NULL;
    CREATE INDEX report_subscriptions_component_idx ON report_subscriptions (component_id)
      WHERE component_id IS NOT NULL;

    CREATE TABLE report_deliveries (
      org_id uuid NOT NULL,
      subscription_id uuid NOT NULL,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      recipients integer NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscription_id, month),
      FOREIGN KEY (org_id, subscription_id) REFERENCES report_subscriptions (org_id, id) ON DELETE CASCADE
    );
    CREATE INDEX report_deliveries_org_idx ON report_deliveries (org_id);
  `.execute(db);
  await protect(db, 'report_subscriptions');
  await protect(db, 'report_deliveries');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS report_deliveries;
    DROP TABLE IF EXISTS report_subscriptions;
  `.execute(db);
}
