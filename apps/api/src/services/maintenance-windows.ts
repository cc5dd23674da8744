import {
  type FieldProblem,
  maintenanceOccurrences,
  OPEN_ENDED_MS,
  type Recurrence,
  recurrenceProblems,
} from '@sentinelmesh/core';
import { windowRule, windowTimeColumns } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { ActorContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import {
  type CreateMaintenanceWindow,
  type PatchMaintenanceWindow,
  windowSpanProblem,
} from '../schemas/maintenance-windows';
import { announceMaintenance } from './maintenance-announcements';
import { deleteOwned, findMissingIds } from './owned-ids';
import { invalidateStatusPagesAfterCommit } from './status-page-cache';

/** Occurrences a window's view lists: the running one first, then the next ones. */
const NEXT_OCCURRENCES = 5;
const YEAR_MS = 366 * 86_400_000;

function selectWindows(ctx: TenantContext) {
  return ctx.db
    .selectFrom('maintenance_windows as w')
    .select([
      'w.id',
      'w.name',
      'w.starts_at',
      'w.ends_at',
      'w.created_at',
      'w.updated_at',
      'w.key',
      'w.managed',
      'w.recurrence_rule',
      'w.recurrence_time_zone',
      'w.recurrence_duration_minutes',
      sql<string[]>`coalesce((
        SELECT array_agg(wm.monitor_id::text ORDER BY wm.monitor_id)
        FROM maintenance_window_monitors wm
        WHERE wm.window_id = w.id AND wm.org_id = w.org_id
      ), '{}')`.as('monitor_ids'),
    ])
    .where('w.org_id', '=', ctx.orgId);
}

type WindowRow = Awaited<ReturnType<ReturnType<typeof selectWindows>['executeTakeFirstOrThrow']>>;

function toView(row: WindowRow, now: Date) {
  const rule = windowRule(row);
  const nowMs = now.getTime();
  const next = maintenanceOccurrences(
    rule,
    nowMs,
    Math.max(nowMs, rule.startsAtMs) + YEAR_MS,
    NEXT_OCCURRENCES,
  );
  const running = next[0] !== undefined && next[0].startMs <= nowMs;
  const ended =
    !running &&
    (nowMs >= rule.endsAtMs ||
      (next.length === 0 && maintenanceOccurrences(rule, nowMs, rule.endsAtMs, 1).length === 0));
  const status = running ? 'active' : ended ? 'ended' : 'scheduled';
  return {
    id: row.id,
    name: row.name,
    monitorIds: row.monitor_ids,
    startsAt: row.starts_at.toISOString(),
    endsAt: rule.endsAtMs === OPEN_ENDED_MS ? null : row.ends_at.toISOString(),
    recurrence: rule.recurrence,
    nextOccurrences: next.map((o) => ({
      startsAt: new Date(o.startMs).toISOString(),
      endsAt: new Date(o.endMs).toISOString(),
    })),
    status: status as 'scheduled' | 'active' | 'ended',
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    key: row.key,
    managed: row.managed,
  };
}

/** The stored columns of a window's timing; a series without an end is kept to end at OPEN_ENDED_MS. */
function timingColumns(startsAt: string, endsAt: string | null, recurrence: Recurrence | null) {
  return {
    starts_at: new Date(startsAt),
    ends_at: endsAt === null ? new Date(OPEN_ENDED_MS) : new Date(endsAt),
    recurrence_rule: recurrence?.rrule ?? null,
    recurrence_time_zone: recurrence?.timeZone ?? null,
    recurrence_duration_minutes: recurrence?.durationMinutes ?? null,
  };
}

/** Problems of a whole window's timing: its span, its end when one-off, and its rule. */
function timingProblems(
  startsAt: string,
  endsAt: string | null,
  recurrence: Recurrence | null,
): FieldProblem[] {
  if (!recurrence && endsAt === null)
    return [{ path: 'endsAt', message: 'required unless the window recurs' }];
  const span = endsAt === null ? null : windowSpanProblem(startsAt, endsAt, recurrence !== null);
  return [
    ...(span ? [{ path: 'endsAt', message: span }] : []),
    ...(recurrence ? recurrenceProblems(recurrence, Date.parse(startsAt)) : []),
  ];
}

async function loadWindow(ctx: TenantContext, id: string) {
  const row = await selectWindows(ctx).where('w.id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('maintenance window');
  return toView(row, ctx.clock.now());
}

/** The ids of this organization's monitors among `ids`, once each, and a problem for each one that is not. */
async function ownMonitors(ctx: TenantContext, ids: string[]) {
  const { unique, missing } = await findMissingIds(ctx.db, 'monitors', ctx.orgId, ids);
  const problems: FieldProblem[] = missing.map((id) => ({
    path: `monitorIds.${ids.indexOf(id)}`,
    message: 'monitor not found',
  }));
  return { monitorIds: unique, problems };
}

async function linkMonitors(ctx: TenantContext, windowId: string, monitorIds: string[]) {
  await ctx.db
    .deleteFrom('maintenance_window_monitors')
    .where('org_id', '=', ctx.orgId)
    .where('window_id', '=', windowId)
    .execute();
  await ctx.db
    .insertInto('maintenance_window_monitors')
    .values(
      monitorIds.map((monitorId) => ({ org_id: ctx.orgId, window_id: windowId, monitor_id: monitorId })),
    )
    .execute();
}

/**
 * Creates a window over monitors of the caller's organization. Monitors keep being checked during
 * it; the verifier shows them as `maintenance` and sends no alerts until it ends.
 */
export async function createMaintenanceWindow(ctx: ActorContext, input: CreateMaintenanceWindow) {
  const { monitorIds, problems } = await ownMonitors(ctx, input.monitorIds);
  if (problems.length > 0) throw apiErrors.invalid('maintenance window', problems);
  const window = await ctx.db
    .insertInto('maintenance_windows')
    .values({
      org_id: ctx.orgId,
      name: input.name,
      ...timingColumns(input.startsAt, input.endsAt ?? null, input.recurrence ?? null),
      created_by: isUuid(ctx.actor.userId) ? ctx.actor.userId : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await linkMonitors(ctx, window.id, monitorIds);
  invalidateStatusPagesAfterCommit(ctx);
  const view = await loadWindow(ctx, window.id);
  await announceMaintenance(ctx, view);
  return view;
}

/**
 * Applies any subset of fields; the window it leaves is judged as a whole (it ends after it starts,
 * within the longest span). The verifier reads windows at each verdict, so a change counts at once.
 */
export async function updateMaintenanceWindow(
  ctx: TenantContext,
  input: { id: string; patch: PatchMaintenanceWindow },
) {
  const { id, patch } = input;
  const current = await ctx.db
    .selectFrom('maintenance_windows')
    .select(windowTimeColumns)
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw apiErrors.notFound('maintenance window');
  const stored = windowRule(current);
  const recurrence = patch.recurrence !== undefined ? patch.recurrence : stored.recurrence;
  const startsAt = patch.startsAt ?? current.starts_at.toISOString();
  const storedEnd = stored.endsAtMs === OPEN_ENDED_MS ? null : current.ends_at.toISOString();
  const endsAt = patch.endsAt !== undefined ? patch.endsAt : storedEnd;
  const owned = patch.monitorIds ? await ownMonitors(ctx, patch.monitorIds) : undefined;
  const problems = [...(owned?.problems ?? []), ...timingProblems(startsAt, endsAt, recurrence)];
  if (problems.length > 0) throw apiErrors.invalid('maintenance window', problems);
  await ctx.db
    .updateTable('maintenance_windows')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...timingColumns(startsAt, endsAt, recurrence),
      updated_at: sql`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .execute();
  if (owned) await linkMonitors(ctx, id, owned.monitorIds);
  invalidateStatusPagesAfterCommit(ctx);
  const view = await loadWindow(ctx, id);
  await announceMaintenance(ctx, view);
  return view;
}

export async function getMaintenanceWindow(ctx: TenantContext, id: string) {
  return loadWindow(ctx, id);
}

/** Windows newest start first, optionally of one monitor. */
export async function listMaintenanceWindows(
  ctx: TenantContext,
  filter: {
    monitorId?: string | undefined;
    key?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const { orgId } = ctx;
  let query = selectWindows(ctx);
  if (filter.key) query = query.where('w.key', '=', filter.key);
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
  const now = ctx.clock.now();
  return keysetPage(query, byTimeThenId('w.starts_at', 'w.id'), filter, (row) => toView(row, now));
}

/** Deleting a window ends it at once: alerts resume with the next verdict. */
export async function deleteMaintenanceWindow(ctx: TenantContext, id: string): Promise<void> {
  await deleteOwned(ctx, 'maintenance_windows', id, 'maintenance window');
  invalidateStatusPagesAfterCommit(ctx);
}
