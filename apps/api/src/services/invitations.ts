import { conflict, DomainError, notFound } from '@sentinelmesh/core';
import type { Db, Role } from '@sentinelmesh/db';
import { type SqlBool, sql } from 'kysely';
import type { ServiceContext } from '../context';
import type { TenantDb } from '../db/tenant';
import { decodeCursor, isPgTimestamp, toPage } from '../http/cursor';
import { isUuid } from '../http/ids';
import type { Principal } from '../plugins/auth';
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

type Deps = Pick<ServiceContext, 'clock' | 'mailer' | 'config'>;

/**
 * Invites `email` with `role`: a single-use token, emailed, valid 7 days; a pending invitation for the
 * same address is replaced. Nothing here depends on whether an account with that email exists.
 */
export async function createInvitation(
  db: TenantDb,
  deps: Deps,
  actor: Principal,
  input: { email: string; role: Role },
) {
  assertMayAssign(actor, null, input.role);
  const email = normalizeEmail(input.email);
  const now = deps.clock.now();
  // Tenant RLS shows only this organization's members: this cannot probe other accounts.
  const member = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.org_id', '=', actor.orgId)
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email))
    .executeTakeFirst();
  if (member) throw conflict('this address belongs to a member of this organization already');
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
        throw conflict('this address was invited at the same moment; list the invitations and retry');
      }
      throw error;
    });
  const organization = await db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  deps.mailer.send({
    to: email,
    subject: `You are invited to ${organization.name} on SentinelMesh`,
    lines: [
      `You are invited to join ${organization.name} on SentinelMesh as ${input.role}. Open the link below (valid for 7 days, once) and sign in, or sign up, with this address.`,
      'If you did not expect this, ignore this email.',
    ],
    link: dashboardLink(deps.config.DASHBOARD_ORIGIN, '/invitations/accept', token),
  });
  return toInvitation(row, now);
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listInvitations(
  db: TenantDb,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
) {
  let query = db
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([...invitationColumns, 'u.id as inviterId', 'u.email as inviterEmail'])
    .select(sql<string>`i.created_at::text`.as('cursor_at'))
    .where('i.org_id', '=', orgId);
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor, [isPgTimestamp, isUuid]);
    query = query.where(sql<SqlBool>`(i.created_at, i.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => [row.cursor_at, row.id],
    (row) => ({
      ...toInvitation(row, now),
      invitedBy: row.inviterId && row.inviterEmail ? { id: row.inviterId, email: row.inviterEmail } : null,
    }),
  );
}

/** Revoked at once: its token stops working. An accepted invitation cannot be revoked (remove the member). */
export async function revokeInvitation(db: TenantDb, orgId: string, id: string, now: Date) {
  const row = await db
    .selectFrom('invitations')
    .select(['accepted_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('invitation');
  if (row.accepted_at) throw conflict('this invitation was accepted already; remove the member instead');
  if (!row.revoked_at) {
    await db.updateTable('invitations').set({ revoked_at: now }).where('id', '=', id).execute();
  }
}

/** A pending invitation by its token, across organizations (the token is the credential). */
function pendingByToken(db: Db, token: string, now: Date) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .select([...invitationColumns, 'i.org_id', 'o.name as orgName', 'o.slug as orgSlug'])
    .where('i.token_hash', '=', hashOneTimeToken(token))
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now);
}

export async function previewInvitation(db: Db, token: string, now: Date) {
  const row = await pendingByToken(db, token, now).executeTakeFirst();
  if (!row) throw notFound('invitation');
  return {
    organization: { id: row.org_id, name: row.orgName },
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * Joins the invitation's organization as the signed-in user, once. Only the owner of the invited
 * address may: the user's email must be that address and verified, which an account registered by
 * someone else without access to the mailbox never is.
 */
export async function acceptInvitation(db: Db, userId: string, token: string, now: Date): Promise<Account> {
  return db.transaction().execute(async (tx) => {
    const invitation = await pendingByToken(tx, token, now).forUpdate('i').executeTakeFirst();
    if (!invitation) throw notFound('invitation');
    const user = await tx
      .selectFrom('users')
      .select(['id', 'email', 'email_verified_at', 'session_generation'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    if (normalizeEmail(user.email) !== normalizeEmail(invitation.email)) {
      throw new DomainError('forbidden', 'this invitation is for another address; sign in with that address');
    }
    if (!user.email_verified_at) {
      throw new DomainError(
        'forbidden',
        'verify your email first: follow the link we emailed you, then accept again',
      );
    }
    const joined = await tx
      .insertInto('memberships')
      .values({ org_id: invitation.org_id, user_id: user.id, role: invitation.role, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('role')
      .executeTakeFirst();
    if (!joined) throw conflict('you are a member of this organization already');
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
  });
}
