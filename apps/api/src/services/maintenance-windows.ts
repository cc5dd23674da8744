import { DomainError, notFound } from '@sentinelmesh/core';
import { type SqlBool, sql } from 'kysely';
import type { ServiceContext } from '../context';
import { inTransaction } from '../db/tenant';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import type { CreateMaintenanceWindow } from '../schemas/maintenance-windows';
import { findMissingIds } from './owned-ids';

function selectWindows(ctx: ServiceContext, orgId: string) {
  return ctx.db
    .selectFrom('maintenance_windows as w')
    .select([
      'w.id',
      'w.name',
      'w.starts_at',
      'w.ends_at',
      'w.created_at',
      sql<string>`w.starts_at::text`.as('cursor_at'),
      sql<string[]>`coalesce((
        SELECT array_agg(wm.monitor_id::text ORDER BY wm.monitor_id)
        FROM maintenance_window_monitors wm
        WHERE wm.window_id = w.id AND wm.org_id = w.org_id
      ), '{}')`.as('monitor_ids'),
    ])
    .where('w.org_id', '=', orgId);
}

type WindowRow = Awaited<ReturnType<ReturnType<typeof selectWindows>['executeTakeFirstOrThrow']>>;

function toView(row: WindowRow, now: Date) {
  const status =
    now < row.starts_at ? 'scheduled' : now < row.ends_at ? ('active' as const) : ('ended' as const);
  return {
    id: row.id,
    name: row.name,
    monitorIds: row.monitor_ids,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    status: status as 'scheduled' | 'active' | 'ended',
    createdAt: row.created_at.toISOString(),
  };
}

async function loadWindow(ctx: ServiceContext, orgId: string, id: string) {
  const row = await selectWindows(ctx, orgId).where('w.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('maintenance window');
  return toView(row, ctx.clock.now());
}

/**
 * Creates a window over monitors of the caller's organization. Monitors keep being checked during
 * it; the verifier shows them as `maintenance` and sends no alerts until it ends.
 */
export async function createMaintenanceWindow(
  ctx: ServiceContext,
  orgId: string,
  userId: string | null,
  input: CreateMaintenanceWindow,
) {
  const { unique: monitorIds, missing } = await findMissingIds(ctx.db, 'monitors', orgId, input.monitorIds);
  if (missing.length > 0) {
    throw new DomainError(
      'validation',
      'some monitors do not exist',
      missing.map((id) => ({
        path: `monitorIds.${input.monitorIds.indexOf(id)}`,
        message: 'monitor not found',
      })),
    );
  }
  const id = await inTransaction(ctx.db, async (trx) => {
    const window = await trx
      .insertInto('maintenance_windows')
      .values({
        org_id: orgId,
        name: input.name,
        starts_at: new Date(input.startsAt),
        ends_at: new Date(input.endsAt),
        created_by: userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('maintenance_window_monitors')
      .values(monitorIds.map((monitorId) => ({ org_id: orgId, window_id: window.id, monitor_id: monitorId })))
      .execute();
    return window.id;
  });
  return loadWindow(ctx, orgId, id);
}

export async function getMaintenanceWindow(ctx: ServiceContext, orgId: string, id: string) {
  return loadWindow(ctx, orgId, id);
}

/** Windows newest start first, optionally of one monitor. */
export async function listMaintenanceWindows(
  ctx: ServiceContext,
  orgId: string,
  filter: { monitorId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  let query = selectWindows(ctx, orgId);
  if (filter.monitorId) {
    const monitorId = filter.monitorId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('maintenance_window_monitors as wm')
          .select('wm.window_id')
          .whereRef('wm.window_id', '=', 'w.id')
          .where('wm.org_id', '=', orgId)
          .where('wm.monitor_id', '=', monitorId),
      ),
    );
  }
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(w.starts_at, w.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('w.starts_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const now = ctx.clock.now();
  return toPage(
    rows,
    filter.limit,
    (row) => [row.cursor_at, row.id],
    (row) => toView(row, now),
  );
}

/** Deleting a window ends it at once: alerts resume with the next verdict. */
export async function deleteMaintenanceWindow(ctx: ServiceContext, orgId: string, id: string): Promise<void> {
  const row = await ctx.db
    .deleteFrom('maintenance_windows')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('maintenance window');
}
