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
 * Status pages that talk to customers, part one (ADR 0040): a page's monitors are grouped into
 * named components (`status_page_components`; a monitor of the page with no component is shown
 * alone, as before), and a page carries its branding (logo, colours, footer, links) and may be
 * served on the customer's own hostname (`custom_domain`, unique across the deployment, looked up
 * by the request's Host before any tenant is known).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE status_pages ADD CONSTRAINT status_pages_org_id_key UNIQUE (org_id, id);

    CREATE TABLE status_page_components (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      status_page_id uuid NOT NULL,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      description text CHECK (char_length(description) <= 1000),
      position integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (org_id, status_page_id) REFERENCES status_pages (org_id, id) ON DELETE CASCADE,
      UNIQUE (status_page_id, name),
      UNIQUE (org_id, id)
    );
    CREATE INDEX status_page_components_page_idx ON status_page_components (org_id, status_page_id, position);

    ALTER TABLE status_page_monitors ADD COLUMN component_id uuid;
    ALTER TABLE status_page_monitors ADD CONSTRAINT status_page_monitors_component_fk
      FOREIGN KEY (org_id, component_id) REFERENCES status_page_components (org_id, id)
      ON DELETE SET NULL (component_id);
    CREATE INDEX status_page_monitors_component_idx ON status_page_monitors (component_id)
      WHERE component_id IS NOT NULL;

    ALTER TABLE status_pages
      ADD COLUMN description text CHECK (char_length(description) <= 2000),
      ADD COLUMN logo_url text CHECK (char_length(logo_url) <= 2000),
      ADD COLUMN brand_color text CHECK (brand_color ~ '^#[0-9a-fA-F]{6}$'),
      ADD COLUMN footer_text text CHECK (char_length(footer_text) <= 2000),
      ADD COLUMN links jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(links) = 'array'),
      ADD COLUMN custom_domain text CHECK (custom_domain = lower(custom_domain) AND char_length(custom_domain) <= 253),
      ADD COLUMN badges_enabled boolean NOT NULL DEFAULT false;
    CREATE UNIQUE INDEX status_pages_custom_domain_idx ON status_pages (custom_domain) WHERE custom_domain IS NOT NULL;
  `.execute(db);
  await protect(db, 'status_page_components');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS status_pages_custom_domain_idx;
    ALTER TABLE status_pages
      DROP COLUMN IF EXISTS description, DROP COLUMN IF EXISTS logo_url, DROP COLUMN IF EXISTS brand_color,
      DROP COLUMN IF EXISTS footer_text, DROP COLUMN IF EXISTS links, DROP COLUMN IF EXISTS custom_domain,
      DROP COLUMN IF EXISTS badges_enabled;
    ALTER TABLE status_page_monitors DROP CONSTRAINT IF EXISTS status_page_monitors_component_fk,
      DROP COLUMN IF EXISTS component_id;
    DROP TABLE IF EXISTS status_page_components;
    ALTER TABLE status_pages DROP CONSTRAINT IF EXISTS status_pages_org_id_key;
  `.execute(db);
}
