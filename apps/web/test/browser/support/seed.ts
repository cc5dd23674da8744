import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';

/**
 * `count` HTTP monitors in one organization, written straight to Postgres (the API would take minutes),
 * with a mix of states and tags so filters have something to find: every 50th is down, every 7th paused.
 */
export async function seedManyMonitors(db: Db, orgId: string, count: number): Promise<void> {
  await sql`
    WITH inserted AS (
      INSERT INTO monitors (org_id, config, updated_at)
      SELECT ${orgId}, jsonb_build_object(
        'type', 'http', 'name', 'svc-' || g, 'url', 'http://127.0.0.1:9/svc/' || g,
        'method', 'GET', 'headers', '{}'::jsonb, 'body', NULL, 'followRedirects', false,
        'intervalSeconds', 86400, 'timeoutMs', 10000,
        'assertions', '[{"source":"status","op":"between","value":[200,399]}]'::jsonb,
        'regions', '["local"]'::jsonb, 'failureThreshold', 2, 'recoveryThreshold', 2,
        'retryIntervalSeconds', 5,
        'tags', CASE WHEN g % 2 = 0 THEN '["prod"]'::jsonb ELSE '["staging"]'::jsonb END,
        'paused', g % 7 = 0
      ), now()
      FROM generate_series(1, ${count}::int) AS g
      RETURNING id, org_id, (config->>'name') AS name
    )
    INSERT INTO monitor_state (monitor_id, org_id, status, since, last_checked_at, last_latency_ms, last_error, machine, updated_at)
    SELECT id, org_id,
      CASE WHEN split_part(name, '-', 2)::int % 7 = 0 THEN 'paused'
           WHEN split_part(name, '-', 2)::int % 50 = 0 THEN 'down' ELSE 'up' END,
      now() - interval '1 hour', now() - interval '30 seconds', 40 + split_part(name, '-', 2)::int % 200,
      CASE WHEN split_part(name, '-', 2)::int % 50 = 0 AND split_part(name, '-', 2)::int % 7 <> 0
           THEN '{"kind":"http_status","message":"HTTP 503"}'::jsonb ELSE 'null'::jsonb END,
      '{}'::jsonb, now()
    FROM inserted
  `.execute(db);
}
