import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { HeartbeatReader } from './checks/context';

/** Reads heartbeat pings from Postgres, with the database's time: one indexed row per monitor, scoped by organization. */
export function createHeartbeatReader(db: Db): HeartbeatReader {
  return {
    async read(orgId, monitorId) {
      const row = await db
        .selectFrom('monitors as m')
        .leftJoin('heartbeats as h', (join) =>
          join.onRef('h.monitor_id', '=', 'm.id').onRef('h.org_id', '=', 'm.org_id'),
        )
        .select([
          'm.created_at',
          'h.last_ping_at',
          'h.last_status',
          'h.last_message',
          sql<Date>`now()`.as('now'),
        ])
        .where('m.org_id', '=', orgId)
        .where('m.id', '=', monitorId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        watchingSince: row.created_at,
        now: row.now,
        lastPing:
          row.last_ping_at && row.last_status
            ? { at: row.last_ping_at, status: row.last_status, message: row.last_message ?? null }
            : null,
      };
    },
  };
}
