import { type Kysely, sql } from 'kysely';

/**
 * Heartbeat monitors: the latest ping of each (one row per monitor, overwritten by each ping),
 * and the lookup of a monitor by the token in its ping URL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE heartbeats (
      monitor_id uuid PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
      last_ping_at timestamptz NOT NULL,
      last_status text NOT NULL CHECK (last_status IN ('ok', 'fail')),
      last_message text,
      pings bigint NOT NULL DEFAULT 1
    );
    CREATE INDEX heartbeats_org_idx ON heartbeats (org_id, monitor_id);
    CREATE UNIQUE INDEX monitors_heartbeat_token_key ON monitors ((config ->> 'heartbeatToken'))
      WHERE config ->> 'heartbeatToken' IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS monitors_heartbeat_token_key;
    DROP TABLE IF EXISTS heartbeats;
  `.execute(db);
}
