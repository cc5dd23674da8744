import type { Role } from '@sentinelmesh/core';
import type { ActorContext, TenantContext, TenantDb } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import type { Principal } from '../plugins/auth';

function toMember(row: { user_id: string; email: string; role: Role; created_at: Date }) {
  return { userId: row.user_id, email: row.email, role: row.role, joinedAt: row.created_at.toISOString() };
}

function selectMembers(db: TenantDb, orgId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId);
}

/** Oldest member first (the founder leads), keyset-paged on (created_at, user_id). */
export async function listMembers(ctx: TenantContext, page: { limit: number; cursor?: string | undefined }) {
  const oldestFirst = byTimeThenId('m.created_at', 'm.user_id', 'asc');
  return keysetPage(selectMembers(ctx.db, ctx.orgId), oldestFirst, page, toMember);
}

/** Only an owner hands out or takes away the owner role, or changes an owner. */
export function assertMayAssign(actor: Principal, from: Role | null, to: Role | null) {
  if ((from === 'owner' || to === 'owner') && actor.role !== 'owner') {
    throw apiErrors.ownerOnly();
  }
}

async function assertNotLastOwner(db: TenantDb, orgId: string, userId: string) {
  const owners = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .forUpdate()
    .execute();
  if (owners.length === 1 && owners[0]?.user_id === userId) {
    throw apiErrors.lastOwner();
  }
}

async function currentRole(db: TenantDb, orgId: string, userId: string): Promise<Role> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('member');
  return row.role;
}

export async function changeMemberRole(ctx: ActorContext, input: { userId: string; role: Role }) {
  const { db, actor } = ctx;
  const { userId, role } = input;
  const from = await currentRole(db, actor.orgId, userId);
  assertMayAssign(actor, from, role);
  if (from === 'owner' && role !== 'owner') await assertNotLastOwner(db, actor.orgId, userId);
  await db
    .updateTable('memberships')
    .set({ role })
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', userId)
    .execute();
  // Keys never act above their creator's role (checked per request), so nothing else changes here.
  const member = await selectMembers(db, actor.orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return toMember(member);
}

/** Removal ends the member's access at once: tokens are checked against memberships on every request. */
export async function removeMember(ctx: ActorContext, userId: string) {
  const { db, actor } = ctx;
  const now = ctx.clock.now();
  const from = await currentRole(db, actor.orgId, userId);
  if (userId !== actor.userId) assertMayAssign(actor, from, null);
  if (from === 'owner') await assertNotLastOwner(db, actor.orgId, userId);
  await db
    .deleteFrom('memberships')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', userId)
    .execute();
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  // Their personal channels reach only them: nobody else may edit them, so they go too.
  await db.deleteFrom('channels').where('org_id', '=', actor.orgId).where('user_id', '=', userId).execute();
  // Their keys die with the membership, and stay dead if the person is added again later.
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('org_id', '=', actor.orgId)
    .where('created_by', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
