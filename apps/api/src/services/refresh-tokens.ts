import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@sentinelmesh/core';
import type { Database, Db } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';

/** A refresh session's absolute lifetime from login: rotation never extends it. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

type Executor = Db | Transaction<Database>;

export interface RefreshGrant {
  token: string;
  expiresAt: Date;
}

/** Only the SHA-256 of a refresh token is stored: a database leak yields no usable token. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueRefreshToken(
  db: Executor,
  session: { userId: string; orgId: string; now: Date; rotated?: { familyId: string; expiresAt: Date } },
): Promise<RefreshGrant & { id: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt =
    session.rotated?.expiresAt ?? new Date(session.now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  const row = await db
    .insertInto('refresh_tokens')
    .values({
      user_id: session.userId,
      org_id: session.orgId,
      family_id: session.rotated?.familyId ?? randomUUID(),
      token_hash: hashRefreshToken(token),
      expires_at: expiresAt,
      created_at: session.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, expiresAt };
}

async function revokeFamily(db: Executor, familyId: string, now: Date): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

type Rotation =
  | { ok: true; userId: string; orgId: string; role: Role; generation: number; grant: RefreshGrant }
  | { ok: false; reason: string };

/**
 * Exchanges a refresh token for a new one of the same family. Presenting a token that was already
 * rotated means it leaked (or raced): the whole family is revoked and the caller must log in again.
 */
export async function rotateRefreshToken(ctx: ServiceContext, token: string) {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (tx): Promise<Rotation> => {
    const current = await tx
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashRefreshToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { ok: false, reason: 'the refresh token is unknown' };
    if (current.revoked_at) {
      await revokeFamily(tx, current.family_id, now);
      return { ok: false, reason: 'the refresh token was reused, so its session has been revoked' };
    }
    if (current.expires_at.getTime() <= now.getTime())
      return { ok: false, reason: 'the refresh token expired' };
    const membership = await tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.role', 'u.session_generation'])
      .where('m.org_id', '=', current.org_id)
      .where('m.user_id', '=', current.user_id)
      .executeTakeFirst();
    if (!membership) {
      await revokeFamily(tx, current.family_id, now);
      return { ok: false, reason: 'you are no longer a member of this organization' };
    }
    // The new token inherits the expiry: a session ends 30 days after login however often it rotates.
    const next = await issueRefreshToken(tx, {
      userId: current.user_id,
      orgId: current.org_id,
      now,
      rotated: { familyId: current.family_id, expiresAt: current.expires_at },
    });
    await tx
      .updateTable('refresh_tokens')
      .set({ revoked_at: now, replaced_by: next.id })
      .where('id', '=', current.id)
      .execute();
    return {
      ok: true,
      userId: current.user_id,
      orgId: current.org_id,
      role: membership.role,
      generation: membership.session_generation,
      grant: { token: next.token, expiresAt: next.expiresAt },
    };
  });
  if (!result.ok) throw apiErrors.sessionEnded(result.reason);
  return result;
}

/** Logout: ends the token's whole session (every rotation of it). Unknown tokens are ignored. */
export async function revokeRefreshToken(ctx: ServiceContext, token: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst();
  if (row) await revokeFamily(ctx.db, row.family_id, ctx.clock.now());
}

/** The session (family) of a refresh token the user still holds, or null. */
export async function liveFamilyOf(
  ctx: ServiceContext,
  input: { token: string; userId: string },
): Promise<string | null> {
  const { token, userId } = input;
  const row = await ctx.db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', hashRefreshToken(token))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.family_id ?? null;
}

/**
 * Ends the user's sessions in every organization: their refresh tokens (but `keepFamily`'s) are revoked,
 * and the session generation moves on, so every access token issued before is refused from now on.
 */
export async function revokeUserSessions(
  db: Executor,
  userId: string,
  now: Date,
  keepFamily: string | null = null,
): Promise<number> {
  let refresh = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepFamily) refresh = refresh.where('family_id', '!=', keepFamily);
  await refresh.execute();
  const user = await db
    .updateTable('users')
    .set((eb) => ({ session_generation: eb('session_generation', '+', 1) }))
    .where('id', '=', userId)
    .returning('session_generation')
    .executeTakeFirstOrThrow();
  return user.session_generation;
}

/** Sign out everywhere: every session of the user, in every organization. */
export async function signOutEverywhere(ctx: ServiceContext, userId: string): Promise<void> {
  await ctx.db.transaction().execute((tx) => revokeUserSessions(tx, userId, ctx.clock.now()));
}
