import { randomBytes } from 'node:crypto';
import { type HeartbeatStatus, heartbeatToken, notFound } from '@sentinelmesh/core';
import type { Database, Db } from '@sentinelmesh/db';
import { type Kysely, sql } from 'kysely';

/** A new ping-URL secret: 256 random bits, URL-safe. */
export function newHeartbeatToken(): string {
  return randomBytes(32).toString('base64url');
}

export const MAX_PING_MESSAGE = 1000;

export interface Ping {
  status: HeartbeatStatus;
  message: string | null;
  at: Date;
}

/**
 * The heartbeat monitor whose ping URL carries `token` (looked up across organizations: the token
 * is the only credential). An unknown or malformed token is a plain 404 that says nothing more.
 */
export async function findHeartbeatMonitor(db: Db, token: string): Promise<{ id: string; orgId: string }> {
  if (!heartbeatToken.safeParse(token).success) throw notFound('heartbeat');
  const monitor = await db
    .selectFrom('monitors')
    .select(['id', 'org_id'])
    .where(sql`config ->> 'heartbeatToken'`, '=', token)
    .where('type', '=', 'heartbeat')
    .executeTakeFirst();
  if (!monitor) throw notFound('heartbeat');
  return { id: monitor.id, orgId: monitor.org_id };
}

/** Keeps a monitor's latest ping (one row per monitor, overwritten). */
export async function recordPing(
  db: Kysely<Database>,
  monitor: { id: string; orgId: string },
  ping: Ping,
): Promise<void> {
  const message = ping.message ? ping.message.replaceAll('\u0000', '').slice(0, MAX_PING_MESSAGE) : null;
  await db
    .insertInto('heartbeats')
    .values({
      monitor_id: monitor.id,
      org_id: monitor.orgId,
      last_ping_at: ping.at,
      last_status: ping.status,
      last_message: message,
    })
    .onConflict((oc) =>
      oc.column('monitor_id').doUpdateSet({
        last_ping_at: ping.at,
        last_status: ping.status,
        last_message: message,
        pings: sql`heartbeats.pings + 1`,
      }),
    )
    .execute();
}
