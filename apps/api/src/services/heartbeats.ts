import { randomBytes } from 'node:crypto';
import { type HeartbeatStatus, heartbeatToken } from '@sentinelmesh/core';
import { sql } from 'kysely';
import type { ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';

/** A new ping-URL secret: 256 random bits, URL-safe. */
export function newHeartbeatToken(): string {
  return randomBytes(32).toString('base64url');
}

export const MAX_PING_MESSAGE = 1000;

export interface Ping {
  status: HeartbeatStatus;
  message: string | null;
}

/**
 * The heartbeat monitor whose ping URL carries `token` (looked up across organizations: the token
 * is the only credential). An unknown or malformed token is a plain 404 that says nothing more.
 */
export async function findHeartbeatMonitor(
  ctx: ServiceContext,
  token: string,
): Promise<{ id: string; orgId: string }> {
  if (!heartbeatToken.safeParse(token).success) throw apiErrors.notFound('heartbeat');
  const monitor = await ctx.db
    .selectFrom('monitors')
    .select(['id', 'org_id'])
    .where(sql`config ->> 'heartbeatToken'`, '=', token)
    .where('type', '=', 'heartbeat')
    .executeTakeFirst();
  if (!monitor) throw apiErrors.notFound('heartbeat');
  return { id: monitor.id, orgId: monitor.org_id };
}

/** Keeps a monitor's latest ping (one row per monitor, overwritten), stamped by the database's clock. */
export async function recordPing(ctx: TenantContext, ping: Ping & { monitorId: string }): Promise<void> {
  const at = sql<Date>`now()`;
  const message = ping.message ? ping.message.replaceAll('\u0000', '').slice(0, MAX_PING_MESSAGE) : null;
  await ctx.db
    .insertInto('heartbeats')
    .values({
      monitor_id: ping.monitorId,
      org_id: ctx.orgId,
      last_ping_at: at,
      last_status: ping.status,
      last_message: message,
    })
    .onConflict((oc) =>
      oc.column('monitor_id').doUpdateSet({
        last_ping_at: at,
        last_status: ping.status,
        last_message: message,
        pings: sql`heartbeats.pings + 1`,
      }),
    )
    .execute();
}
