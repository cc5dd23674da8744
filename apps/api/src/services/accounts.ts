import { DomainError } from '@sentinelmesh/core';
import type { Db, Role } from '@sentinelmesh/db';
import type { Clock } from '../context';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { insertOrganization } from './slug';

export interface Account {
  user: { id: string; email: string };
  organization: { id: string; name: string; slug: string };
  role: Role;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();
const badCredentials = () => new DomainError('unauthenticated', 'invalid email or password');

/** Creates a user and a new organization that the user owns, in one transaction. */
export async function signup(
  deps: { db: Db; clock: Clock },
  input: { email: string; password: string; organizationName: string },
): Promise<Account> {
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const user = await tx
      .insertInto('users')
      .values({ email: normalizeEmail(input.email), password_hash: passwordHash, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'email'])
      .executeTakeFirst();
    if (!user) throw new DomainError('conflict', 'an account with this email already exists');
    const organization = await insertOrganization(tx, input.organizationName);
    await tx
      .insertInto('memberships')
      .values({ org_id: organization.id, user_id: user.id, role: 'owner', created_at: now })
      .execute();
    return { user, organization, role: 'owner' as const };
  });
}

/**
 * Checks the credentials and picks the organization to act in: the one asked for, else the user's
 * first. An unknown email and a wrong password fail the same way, after the same hashing work.
 */
export async function login(
  deps: { db: Db },
  input: { email: string; password: string; organizationId?: string | undefined },
): Promise<Account> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(input.email)))
    .executeTakeFirst();
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw badCredentials();
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
    user: { id: user.id, email: user.email },
    organization: { id: membership.id, name: membership.name, slug: membership.slug },
    role: membership.role,
  };
}

/** The account behind a verified access token, or null when the user or membership is gone. */
export async function loadAccount(db: Db, userId: string, orgId: string): Promise<Account | null> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id as userId', 'u.email', 'o.id as orgId', 'o.name', 'o.slug', 'm.role'])
    .where('m.user_id', '=', userId)
    .where('m.org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    user: { id: row.userId, email: row.email },
    organization: { id: row.orgId, name: row.name, slug: row.slug },
    role: row.role,
  };
}

/** Users are shared between organizations: this lookup runs outside any tenant. */
export async function findUserIdByEmail(db: Db, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(email)))
    .executeTakeFirst();
  return row?.id ?? null;
}
