import type { Role } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import type { Principal } from '../plugins/auth';
import { sendVerificationEmail } from './email-verification';
import { joinByToken } from './invitations';
import { revokeUserSessions } from './refresh-tokens';
import { insertOrganization } from './slug';
import { type AccountUser, normalizeEmail, toAccountUser } from './users';

export interface Account {
  user: AccountUser;
  organization: { id: string; name: string; slug: string };
  role: Role;
  /** The user's session generation, carried by the access tokens issued for this account. */
  generation: number;
}

type Deps = Pick<ServiceContext, 'db' | 'clock' | 'passwords' | 'mailer' | 'config'>;

const badCredentials = apiErrors.badCredentials;

/**
 * Creates a user and a new organization that the user owns, in one transaction, and asks them to
 * verify the email. With an invitation token, the user joins the invitation's organization instead,
 * with its role: the token came by email to that address, so the address counts as verified (as a
 * password reset link does). A token that is unknown, used, revoked, expired or for another address
 * fails the whole signup: no user, no membership.
 */
export async function signup(
  deps: Deps,
  input: {
    email: string;
    password: string;
    organizationName?: string | undefined;
    invitationToken?: string | undefined;
  },
): Promise<Account> {
  const passwordHash = await deps.passwords.hash(input.password);
  const now = deps.clock.now();
  const { invitationToken } = input;
  const account = await deps.db.transaction().execute(async (tx) => {
    const user = await tx
      .insertInto('users')
      .values({
        email: normalizeEmail(input.email),
        password_hash: passwordHash,
        created_at: now,
        email_verified_at: invitationToken === undefined ? null : now,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'email', 'email_verified_at', 'session_generation'])
      .executeTakeFirst();
    // An honest 409 (signup stays rate-limited); knowing that an account exists no longer lets anyone
    // into an organization: membership needs an accepted invitation and a verified email.
    if (!user) throw apiErrors.emailTaken();
    if (invitationToken !== undefined) {
      // Signup speaks of the link, whatever made the invitation unusable.
      return joinByToken(tx, { userId: user.id, token: invitationToken }, now, () =>
        apiErrors.invalidLink('invitation'),
      );
    }
    if (input.organizationName === undefined) {
      throw apiErrors.invalid('signup', [{ path: 'organizationName', message: 'required' }]);
    }
    const organization = await insertOrganization(tx, input.organizationName);
    await tx
      .insertInto('memberships')
      .values({ org_id: organization.id, user_id: user.id, role: 'owner', created_at: now })
      .execute();
    return {
      user: toAccountUser(user),
      organization,
      role: 'owner' as const,
      generation: user.session_generation,
    };
  });
  if (invitationToken === undefined) await sendVerificationEmail(deps, account.user);
  return account;
}

/**
 * Checks the credentials and picks the organization to act in: the one asked for, else the user's
 * first. An unknown email and a wrong password fail the same way, after the same hashing work. A hash
 * made with weaker parameters than today's is replaced by a new one while the password is at hand.
 */
export async function login(
  deps: Pick<Deps, 'db' | 'passwords'>,
  input: { email: string; password: string; organizationId?: string | undefined },
): Promise<Account> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash', 'email_verified_at', 'session_generation'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(input.email)))
    .executeTakeFirst();
  if (!user) {
    await deps.passwords.verifyNobody(input.password);
    throw badCredentials();
  }
  const check = await deps.passwords.verify(input.password, user.password_hash);
  if (!check.ok) throw badCredentials();
  if (check.needsRehash) {
    const upgraded = await deps.passwords.hash(input.password);
    // Only if nobody changed the password meanwhile.
    await deps.db
      .updateTable('users')
      .set({ password_hash: upgraded })
      .where('id', '=', user.id)
      .where('password_hash', '=', user.password_hash)
      .execute();
  }
  let query = deps.db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.slug', 'm.role'])
    .where('m.user_id', '=', user.id)
    .orderBy('m.created_at')
    .orderBy('o.id');
  if (input.organizationId) query = query.where('m.org_id', '=', input.organizationId);
  const membership = await query.executeTakeFirst();
  if (!membership) throw badCredentials();
  return {
    user: toAccountUser(user),
    organization: { id: membership.id, name: membership.name, slug: membership.slug },
    role: membership.role,
    generation: user.session_generation,
  };
}

/** The account behind a verified access token, or null when the user or membership is gone. */
async function loadAccount(db: Db, userId: string, orgId: string): Promise<Account | null> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.email_verified_at',
      'u.session_generation',
      'o.id as orgId',
      'o.name',
      'o.slug',
      'm.role',
    ])
    .where('m.user_id', '=', userId)
    .where('m.org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    user: toAccountUser(row),
    organization: { id: row.orgId, name: row.name, slug: row.slug },
    role: row.role,
    generation: row.session_generation,
  };
}

/**
 * A session in another organization of the same user, for a caller whose current session proves who
 * they are. Not a member there (or no such organization): 404, as for any object of another tenant.
 */
export async function switchOrganization(
  ctx: ServiceContext,
  actor: Principal,
  orgId: string,
): Promise<Account> {
  const account = await loadAccount(ctx.db, actor.userId, orgId);
  if (!account) throw apiErrors.notFound('organization');
  return account;
}

/** Every organization the user belongs to, oldest membership first. Runs across tenants: it is the user's own list. */
async function listOrganizations(db: Db, userId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.slug', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .orderBy('o.id')
    .execute();
}

/**
 * Who the caller is: user, organization, the role they act with, and every organization they belong
 * to. Account-level, so on the service role, filtered by the verified principal.
 */
export async function describeCaller(ctx: ServiceContext, actor: Principal) {
  const account = await loadAccount(ctx.db, actor.userId, actor.orgId);
  if (!account) throw apiErrors.sessionEnded('you are no longer a member of this organization');
  // A key speaks for one organization only, not for every one its creator belongs to.
  const organizations = actor.apiKeyId
    ? [{ ...account.organization, role: actor.role }]
    : await listOrganizations(ctx.db, actor.userId);
  // An API key acts with its own (possibly lower) role, not its creator's.
  return { user: account.user, organization: account.organization, role: actor.role, organizations };
}

/**
 * Sets a new password after checking the current one, and signs out every other session: refresh
 * tokens but `keepFamily` (the caller's cookie) are revoked, and every access token issued until now.
 */
export async function changePassword(
  deps: Pick<Deps, 'db' | 'clock' | 'passwords'>,
  input: { userId: string; currentPassword: string; newPassword: string; keepFamily: string | null },
): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', input.userId)
    .executeTakeFirstOrThrow();
  const check = await deps.passwords.verify(input.currentPassword, user.password_hash);
  if (!check.ok) {
    throw apiErrors.wrongPassword();
  }
  const passwordHash = await deps.passwords.hash(input.newPassword);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', input.userId)
      .execute();
    await revokeUserSessions(tx, input.userId, deps.clock.now(), input.keepFamily);
  });
}
