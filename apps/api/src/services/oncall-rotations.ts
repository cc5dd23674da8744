import { type FieldProblem, type OnCallShift, onCallAt, onCallSchedule } from '@sentinelmesh/core';
import { databaseNow, loadRotation } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import {
  type CreateOverride,
  type CreateRotation,
  MAX_SCHEDULE_DAYS,
  type PatchRotation,
  weekdayProblem,
} from '../schemas/oncall-rotations';

const DAY_MS = 86_400_000;

function selectRotations(ctx: TenantContext) {
  return ctx.db.selectFrom('oncall_rotations').selectAll().where('org_id', '=', ctx.orgId);
}

type RotationRow = Awaited<ReturnType<ReturnType<typeof selectRotations>['executeTakeFirstOrThrow']>>;

const shiftView = (s: OnCallShift) => ({
  userId: s.userId,
  shiftStart: s.shiftStart.toISOString(),
  shiftEnd: s.shiftEnd.toISOString(),
  overrideId: s.overrideId,
});

/** The rotation as the API shows it, with who is on call `now` (through the loader, as the verifier asks). */
async function toView(ctx: TenantContext, row: RotationRow, now: Date) {
  const loaded = await loadRotation(ctx.db, ctx.orgId, row.id);
  const onCall = loaded ? onCallAt(loaded.spec, loaded.overrides, now) : null;
  return {
    id: row.id,
    name: row.name,
    cadence: row.cadence,
    handoffTime: row.handoff_time,
    handoffWeekday: row.handoff_weekday,
    timeZone: row.time_zone,
    startsAt: row.starts_at.toISOString(),
    memberIds: row.member_ids,
    onCall: onCall ? shiftView(onCall) : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    key: row.key,
    managed: row.managed,
  };
}

async function loadRow(ctx: TenantContext, id: string): Promise<RotationRow> {
  const row = await selectRotations(ctx).where('id', '=', id).executeTakeFirst();
  if (!row) throw apiErrors.notFound('rotation');
  return row;
}

/** A problem at `pathOf(i)` for each of `ids` that is not a member of the organization, or is repeated. */
async function memberProblems(
  ctx: TenantContext,
  ids: readonly string[],
  pathOf: (index: number) => string,
): Promise<FieldProblem[]> {
  const wellFormed = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const found =
    wellFormed.length === 0
      ? []
      : await ctx.db
          .selectFrom('memberships')
          .select('user_id')
          .where('org_id', '=', ctx.orgId)
          .where('user_id', 'in', wellFormed)
          .execute();
  const members = new Set(found.map((m) => m.user_id));
  const seen = new Set<string>();
  return ids.flatMap((id, i) => {
    const key = id.toLowerCase();
    const at = pathOf(i);
    if (!members.has(key)) return [{ path: at, message: 'not a member of this organization' }];
    if (seen.has(key)) return [{ path: at, message: 'listed twice' }];
    seen.add(key);
    return [];
  });
}

/** Creates a rotation of members of the caller's organization. */
export async function createRotation(ctx: TenantContext, input: CreateRotation) {
  const problems = await memberProblems(ctx, input.memberIds, (i) => `memberIds.${i}`);
  if (problems.length > 0) throw apiErrors.invalid('rotation', problems);
  const { id } = await ctx.db
    .insertInto('oncall_rotations')
    .values({
      org_id: ctx.orgId,
      name: input.name,
      cadence: input.cadence,
      handoff_time: input.handoffTime,
      handoff_weekday: input.cadence === 'weekly' ? (input.handoffWeekday ?? null) : null,
      time_zone: input.timeZone,
      starts_at: new Date(input.startsAt),
      member_ids: input.memberIds.map((m) => m.toLowerCase()),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toView(ctx, await loadRow(ctx, id), await databaseNow(ctx.db));
}

/** Applies any subset of fields; the rotation it leaves is judged as a whole (a weekly one keeps a weekday). */
export async function updateRotation(ctx: TenantContext, input: { id: string; patch: PatchRotation }) {
  const { id, patch } = input;
  const current = await selectRotations(ctx).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw apiErrors.notFound('rotation');
  const cadence = patch.cadence ?? current.cadence;
  const handoffWeekday =
    patch.handoffWeekday !== undefined
      ? patch.handoffWeekday
      : cadence === 'daily'
        ? null
        : current.handoff_weekday;
  const weekday = weekdayProblem({ cadence, handoffWeekday });
  const problems = [
    ...(patch.memberIds ? await memberProblems(ctx, patch.memberIds, (i) => `memberIds.${i}`) : []),
    ...(weekday ? [{ path: 'handoffWeekday', message: weekday }] : []),
  ];
  if (problems.length > 0) throw apiErrors.invalid('rotation', problems);
  await ctx.db
    .updateTable('oncall_rotations')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      cadence,
      handoff_weekday: handoffWeekday,
      ...(patch.handoffTime !== undefined ? { handoff_time: patch.handoffTime } : {}),
      ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
      ...(patch.startsAt !== undefined ? { starts_at: new Date(patch.startsAt) } : {}),
      ...(patch.memberIds !== undefined ? { member_ids: patch.memberIds.map((m) => m.toLowerCase()) } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .execute();
  return toView(ctx, await loadRow(ctx, id), await databaseNow(ctx.db));
}

export async function getRotation(ctx: TenantContext, id: string) {
  return toView(ctx, await loadRow(ctx, id), await databaseNow(ctx.db));
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listRotations(
  ctx: TenantContext,
  page: { key?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const now = await databaseNow(ctx.db);
  let query = selectRotations(ctx);
  if (page.key) query = query.where('key', '=', page.key);
  const result = await keysetPage(query, byTimeThenId('created_at', 'id'), page, (row) => row);
  return {
    items: await Promise.all(result.items.map((row) => toView(ctx, row, now))),
    nextCursor: result.nextCursor,
  };
}

/** Deleting a rotation deletes its overrides; escalation steps naming it find nobody on call. */
export async function deleteRotation(ctx: TenantContext, id: string): Promise<void> {
  const row = await ctx.db
    .deleteFrom('oncall_rotations')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('rotation');
}

function toOverrideView(row: {
  id: string;
  rotation_id: string;
  user_id: string;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
}) {
  return {
    id: row.id,
    rotationId: row.rotation_id,
    userId: row.user_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}

/** Puts a member on call instead of the rotation over a span; it wins over every override created before it. */
export async function createOverride(
  ctx: TenantContext,
  input: { rotationId: string; override: CreateOverride },
) {
  const rotation = await loadRow(ctx, input.rotationId);
  const problems = await memberProblems(ctx, [input.override.userId], () => 'userId');
  if (problems.length > 0) throw apiErrors.invalid('override', problems);
  const row = await ctx.db
    .insertInto('oncall_overrides')
    .values({
      org_id: ctx.orgId,
      rotation_id: rotation.id,
      user_id: input.override.userId.toLowerCase(),
      starts_at: new Date(input.override.startsAt),
      ends_at: new Date(input.override.endsAt),
      created_at: sql<Date>`clock_timestamp()`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOverrideView(row);
}

/** The rotation's overrides, newest first. */
export async function listOverrides(
  ctx: TenantContext,
  input: { rotationId: string; limit: number; cursor?: string | undefined },
) {
  await loadRow(ctx, input.rotationId);
  const query = ctx.db
    .selectFrom('oncall_overrides')
    .selectAll()
    .where('org_id', '=', ctx.orgId)
    .where('rotation_id', '=', input.rotationId);
  return keysetPage(query, byTimeThenId('created_at', 'id'), input, toOverrideView);
}

export async function deleteOverride(ctx: TenantContext, input: { rotationId: string; overrideId: string }) {
  const row = await ctx.db
    .deleteFrom('oncall_overrides')
    .where('org_id', '=', ctx.orgId)
    .where('rotation_id', '=', input.rotationId)
    .where('id', '=', input.overrideId)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('override');
}

/** Who is on call over `[from, to)` (default: the next 14 days from now, by the database clock). */
export async function rotationSchedule(
  ctx: TenantContext,
  input: { id: string; from?: string | undefined; to?: string | undefined },
) {
  const now = await databaseNow(ctx.db);
  const loaded = await loadRotation(ctx.db, ctx.orgId, input.id);
  if (!loaded) throw apiErrors.notFound('rotation');
  const from = input.from ? new Date(input.from) : now;
  const to = input.to ? new Date(input.to) : new Date(from.getTime() + 14 * DAY_MS);
  const span = to.getTime() - from.getTime();
  if (span <= 0) throw apiErrors.invalid('schedule range', [{ path: 'to', message: 'must be after `from`' }]);
  if (span > MAX_SCHEDULE_DAYS * DAY_MS) {
    throw apiErrors.invalid('schedule range', [
      { path: 'to', message: `at most ${MAX_SCHEDULE_DAYS} days after \`from\`` },
    ]);
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    now: now.toISOString(),
    shifts: onCallSchedule(loaded.spec, loaded.overrides, from, to).map(shiftView),
  };
}
