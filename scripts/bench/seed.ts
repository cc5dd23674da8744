import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

/**
 * Adds `count` HTTP monitors pointing at `url` to the organization, in one statement each. They are
 * stamped as created an hour ago, as the monitors of a running deployment would be: a scheduler's
 * resync then reads the ones that changed since, not all of them again.
 */
export async function seedMonitors(
  db: Db,
  orgId: string,
  options: { count: number; url: string; intervalSeconds: number; label: string },
): Promise<void> {
  const timeoutMs = Math.min(5_000, Math.floor(options.intervalSeconds * 800));
  await sql`
    WITH inserted AS (
      INSERT INTO monitors (org_id, config, created_at, updated_at)
      SELECT ${orgId}, jsonb_build_object(
        'type', 'http', 'name', ${options.label} || '-' || g, 'url', ${options.url} || '/m/' || g,
        'method', 'GET', 'headers', '{}'::jsonb, 'body', NULL, 'followRedirects', false,
        'intervalSeconds', ${options.intervalSeconds}::int, 'timeoutMs', ${timeoutMs}::int,
        'assertions', '[{"source":"status","op":"between","value":[200,399]}]'::jsonb,
        'regions', '["local"]'::jsonb, 'failureThreshold', 2, 'recoveryThreshold', 2,
        'retryIntervalSeconds', 5, 'tags', '[]'::jsonb, 'paused', false
      ), now() - interval '1 hour', now() - interval '1 hour'
      FROM generate_series(1, ${options.count}::int) AS g
      RETURNING id, org_id
    )
    INSERT INTO monitor_state (monitor_id, org_id, status, machine, updated_at)
    SELECT id, org_id, 'pending', '{}'::jsonb, now() FROM inserted
  `.execute(db);
}

export async function setAllPaused(db: Db, paused: boolean): Promise<void> {
  await sql`UPDATE monitors SET config = jsonb_set(config, '{paused}', to_jsonb(${paused}::boolean))`.execute(
    db,
  );
}
