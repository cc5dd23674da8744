import type { Database } from '@sentinelmesh/db';
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { dashboardLink } from './one-time-tokens';
import { consumeUserToken, issueUserToken } from './user-tokens';
import { type AccountUser, toAccountUser } from './users';

export const VERIFY_EMAIL_TTL_SECONDS = 24 * 3600;

type Deps = Pick<ServiceContext, 'db' | 'clock' | 'mailer' | 'config'>;

/** Emails a single-use link (24 h) that proves the user reads this address; earlier links stop working. */
export async function sendVerificationEmail(deps: Deps, user: { id: string; email: string }): Promise<void> {
  const token = await issueUserToken(deps.db, {
    userId: user.id,
    purpose: 'verify_email',
    ttlSeconds: VERIFY_EMAIL_TTL_SECONDS,
    now: deps.clock.now(),
  });
  deps.mailer.send({
    to: user.email,
    subject: 'Verify your email address for SentinelMesh',
    lines: [
      'Someone signed up for SentinelMesh with this address. If it was you, confirm it with the link below (valid for 24 hours).',
      'If it was not you, ignore this email: the account stays unverified and cannot join any organization.',
    ],
    link: dashboardLink(deps.config.DASHBOARD_ORIGIN, '/verify-email', token),
  });
}

/** Resends the link unless the address is verified already (then nothing is sent). */
export async function resendVerificationEmail(deps: Deps, userId: string): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'email_verified_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (user && !user.email_verified_at) await sendVerificationEmail(deps, user);
}

export async function markEmailVerified(tx: Transaction<Database>, userId: string, now: Date) {
  const user = await tx
    .updateTable('users')
    .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(now)) }))
    .where('id', '=', userId)
    .returning(['id', 'email', 'email_verified_at'])
    .executeTakeFirstOrThrow();
  return toAccountUser(user);
}

export async function verifyEmail(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<AccountUser> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const userId = await consumeUserToken(tx, token, 'verify_email', now);
    if (!userId) throw apiErrors.invalidLink('verification');
    return markEmailVerified(tx, userId, now);
  });
}
