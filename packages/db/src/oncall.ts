import { type OnCallShift, onCallAt, type RotationOverride, type RotationSpec } from '@sentinelmesh/core';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** A rotation as stored, with its overrides, ready for `onCallAt`. */
export interface LoadedRotation {
  id: string;
  orgId: string;
  name: string;
  spec: RotationSpec;
  overrides: RotationOverride[];
}

/**
 * Loads rotation `rotationId` of organization `orgId` and its overrides (null when there is no such
 * rotation there). People who are no longer members of the organization are left out of the turns
 * and their overrides ignored, so nobody outside it is ever put on call.
 */
export async function loadRotation(
  db: Kysely<Database>,
  orgId: string,
  rotationId: string,
): Promise<LoadedRotation | null> {
  const row = await db
    .selectFrom('oncall_rotations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', rotationId)
    .executeTakeFirst();
  if (!row) return null;
  const members = new Set(
    (
      await db
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', '=', orgId)
        .where('user_id', 'in', [...row.member_ids, '00000000-0000-0000-0000-000000000000'])
        .execute()
    ).map((m) => m.user_id),
  );
  const overrides = db
    .selectFrom('oncall_overrides as o')
    .innerJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 'o.user_id').onRef('m.org_id', '=', 'o.org_id'),
    )
    .select(['o.id', 'o.user_id', 'o.starts_at', 'o.ends_at', 'o.created_at'])
    .where('o.org_id', '=', orgId)
    .where('o.rotation_id', '=', rotationId);
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    spec: {
      cadence: row.cadence,
      handoffTime: row.handoff_time,
      handoffWeekday: row.handoff_weekday,
      timeZone: row.time_zone,
      startsAt: row.starts_at,
      memberIds: row.member_ids.filter((id) => members.has(id)),
    },
    overrides: (await overrides.execute()).map((o) => ({
      id: o.id,
      userId: o.user_id,
      startsAt: o.starts_at,
      endsAt: o.ends_at,
      createdAt: o.created_at,
    })),
  };
}

/**
 * Who is on call in rotation `rotationId` of organization `orgId` at `at` (pass the database clock,
 * `databaseNow`): the user and the stretch their turn covers; null when the rotation does not exist
 * there, has not started, or has nobody to put on call.
 */
export async function onCallInRotation(
  db: Kysely<Database>,
  orgId: string,
  rotationId: string,
  at: Date,
): Promise<OnCallShift | null> {
  const rotation = await loadRotation(db, orgId, rotationId);
  return rotation ? onCallAt(rotation.spec, rotation.overrides, at) : null;
}
