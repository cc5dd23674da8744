import type { Role } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { ActorContext, ServiceContext, TenantContext } from '../context';
import { apiErrors } from '../errors';
import { byTimeThenId, keysetPage } from '../http/cursor';
import type { Account } from './accounts';
import { assertMayAssign } from './members';
import { dashboardLink, hashOneTimeToken, newOneTimeToken } from './one-time-tokens';
import { normalizeEmail, toAccountUser } from './users';

export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;

type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

function statusOf(row: InvitationRow, now: Date): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now.getTime() ? 'expired' : 'pending';
}

const toInvitation = (row: InvitationRow, now: Date) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  status: statusOf(row, now),
  expiresAt: row.expires_at.toISOString(),
  createdAt: row.created_at.toISOString(),
});

const invitationColumns = [
  'i.id',
  'i.email',
  'i.role',
  'i.created_at',
  'i.expires_at',
  'i.accepted_at',
  'i.revoked_at',
] as const;

/**
 * Invites `email` with `role`: a single-use token, emailed, valid 7 days; a pending invitation for the
 * same address is replaced. Nothing here depends on whether an account with that email exists.
 */
export async function createInvitation(ctx: ActorContext, input: { email: string; role: Role }) {
  const { db, actor } = ctx;
  assertMayAssign(actor, null, input.role);
  const email = normalizeEmail(input.email);
  const now = ctx.clock.now();
  // Tenant RLS shows only this organization's members: this cannot probe other accounts.
  const member = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.org_id', '=', actor.orgId)
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email))
    .executeTakeFirst();
  if (member) throw apiErrors.memberAlready();
  await db
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('org_id', '=', actor.orgId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const { token, hash } = newOneTimeToken();
  const row = await db
    .insertInto('invitations')
    .values({
      org_id: actor.orgId,
      email,
      role: input.role,
      token_hash: hash,
      invited_by: actor.userId,
      created_at: now,
      expires_at: new Date(now.getTime() + INVITATION_TTL_SECONDS * 1000),
    })
    .returning(['id', 'email', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      // Two admins inviting the same address at the same moment: one open invitation per address.
      if ((error as { code?: unknown }).code === '23505') {
        throw apiErrors.invitedMeanwhile();
      }
      throw error;
    });
  const organization = await db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  // Only a committed invitation is emailed: its token must work when the link is followed.
  const mail = {
    to: email,
    subject: `You are invited to ${organization.name} on SentinelMesh`,
    lines: [
      `You are invited to join ${organization.name} on SentinelMesh as ${input.role}. Open the link below (valid for 7 days, once) and sign in, or sign up, with this address.`,
      'If you did not expect this, ignore this email.',
    ],
    link: dashboardLink(ctx.config.DASHBOARD_ORIGIN, '/invitations/accept', token),
  };
  ctx.afterCommit(() => ctx.mailer.send(mail));
  return toInvitation(row, now);
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listInvitations(
  ctx: TenantContext,
  page: { limit: number; cursor?: string | undefined },
) {
  const now = ctx.clock.now();
  const query = ctx.db
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([...invitationColumns, 'u.id as inviterId', 'u.email as inviterEmail'])
    .where('i.org_id', '=', ctx.orgId);
  return keysetPage(query, byTimeThenId('i.created_at', 'i.id'), page, (row) => ({
    ...toInvitation(row, now),
    invitedBy: row.inviterId && row.inviterEmail ? { id: row.inviterId, email: row.inviterEmail } : null,
  }));
}

/** Revoked at once: its token stops working. An accepted invitation cannot be revoked (remove the member). */
export async function revokeInvitation(ctx: TenantContext, id: string) {
  const row = await ctx.db
    .selectFrom('invitations')
    .select(['accepted_at', 'revoked_at'])
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw apiErrors.notFound('invitation');
  if (row.accepted_at) throw apiErrors.invitationAccepted();
  if (!row.revoked_at) {
    await ctx.db
      .updateTable('invitations')
      .set({ revoked_at: ctx.clock.now() })
      .where('id', '=', id)
      .execute();
  }
}

/** A pending invitation by its token, across organizations (the token is the credential). */
function pendingByToken(db: Db, token: string, now: Date) {
  return pending(db, now).where('i.token_hash', '=', hashOneTimeToken(token));
}

export async function previewInvitation(ctx: ServiceContext, token: string) {
  const row = await pendingByToken(ctx.db, token, ctx.clock.now()).executeTakeFirst();
  if (!row) throw apiErrors.notFound('invitation');
  return {
    organization: { id: row.org_id, name: row.orgName },
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at.toISOString(),
  };
}

type PendingInvitation = NonNullable<
  Awaited<ReturnType<ReturnType<typeof pendingByToken>['executeTakeFirst']>>
>;

/** Pending invitations of every organization, with their organization (across tenants: the caller filters). */
function pending(db: Db, now: Date) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .select([...invitationColumns, 'i.org_id', 'o.name as orgName', 'o.slug as orgSlug'])
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now);
}

/** The user's address, but only once verified: an unverified address proves nothing about its owner. */
async function verifiedEmailOf(db: Db, userId: string): Promise<string | null> {
  const user = await db
    .selectFrom('users')
    .select(['email', 'email_verified_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return user?.email_verified_at ? normalizeEmail(user.email) : null;
}

/**
 * Joins the invitation's organization as the signed-in user, once. Only the owner of the invited
 * address may: the user's email must be that address and verified, which an account registered by
 * someone else without access to the mailbox never is.
 */
async function join(
  tx: Db,
  invitation: PendingInvitation | undefined,
  userId: string,
  now: Date,
): Promise<Account> {
  if (!invitation) throw apiErrors.notFound('invitation');
  const user = await tx
    .selectFrom('users')
    .select(['id', 'email', 'email_verified_at', 'session_generation'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (normalizeEmail(user.email) !== normalizeEmail(invitation.email)) {
    throw apiErrors.invitationForAnotherAddress();
  }
  if (!user.email_verified_at) {
    throw apiErrors.emailNotVerified();
  }
  const joined = await tx
    .insertInto('memberships')
    .values({ org_id: invitation.org_id, user_id: user.id, role: invitation.role, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('role')
    .executeTakeFirst();
  if (!joined) throw apiErrors.joinedAlready();
  await tx
    .updateTable('invitations')
    .set({ accepted_at: now, accepted_by: user.id })
    .where('id', '=', invitation.id)
    .execute();
  return {
    user: toAccountUser(user),
    organization: { id: invitation.org_id, name: invitation.orgName, slug: invitation.orgSlug },
    role: joined.role,
    generation: user.session_generation,
  };
}

/**
 * Accepts by the emailed token inside the caller's transaction `tx`: see `join`. `gone` is the error
 * for a token that is unknown, used, revoked or expired.
 */
export async function joinByToken(
  tx: Db,
  input: { userId: string; token: string },
  now: Date,
  gone = () => apiErrors.notFound('invitation'),
): Promise<Account> {
  const invitation = await pendingByToken(tx, input.token, now).forUpdate('i').executeTakeFirst();
  if (!invitation) throw gone();
  return join(tx, invitation, input.userId, now);
}

/** Accepts by the emailed token: see `join`. */
export async function acceptInvitation(
  ctx: ServiceContext,
  input: { userId: string; token: string },
): Promise<Account> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => joinByToken(tx, input, now));
}

/**
 * The pending invitations addressed to the signed-in user's verified email, in every organization,
 * newest first. None while the address is unverified.
 */
export async function listMyInvitations(ctx: ServiceContext, userId: string) {
  const email = await verifiedEmailOf(ctx.db, userId);
  if (!email) return { items: [], emailVerified: false };
  const now = ctx.clock.now();
  const rows = await pending(ctx.db, now)
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select(['u.email as inviterEmail'])
    .where((eb) => eb(eb.fn('lower', ['i.email']), '=', email))
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(100)
    .execute();
  return {
    emailVerified: true,
    items: rows.map((row) => ({
      id: row.id,
      organization: { id: row.org_id, name: row.orgName },
      role: row.role,
      invitedBy: row.inviterEmail,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
    })),
  };
}

/** The user's own pending invitation by id; another address's is a 404, as if it did not exist. */
async function myPending(tx: Db, userId: string, id: string, now: Date) {
  const email = await verifiedEmailOf(tx, userId);
  if (!email) throw apiErrors.emailNotVerified();
  return pending(tx, now)
    .where('i.id', '=', id)
    .where((eb) => eb(eb.fn('lower', ['i.email']), '=', email))
    .forUpdate('i')
    .executeTakeFirst();
}

/** Accepts an invitation addressed to the signed-in user's verified email, without its emailed token. */
export async function acceptMyInvitation(
  ctx: ServiceContext,
  input: { userId: string; id: string },
): Promise<Account> {
  const now = ctx.clock.now();
  return ctx.db
    .transaction()
    .execute(async (tx) => join(tx, await myPending(tx, input.userId, input.id, now), input.userId, now));
}

/** Declines an invitation addressed to the signed-in user: it ends as revoked, and its token stops working. */
export async function declineMyInvitation(ctx: ServiceContext, input: { userId: string; id: string }) {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const invitation = await myPending(tx, input.userId, input.id, now);
    if (!invitation) throw apiErrors.notFound('invitation');
    await tx.updateTable('invitations').set({ revoked_at: now }).where('id', '=', invitation.id).execute();
  });
}
