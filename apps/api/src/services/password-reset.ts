import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { markEmailVerified } from './email-verification';
import { dashboardLink } from './one-time-tokens';
import { revokeUserSessions } from './refresh-tokens';
import { consumeUserToken, issueUserToken } from './user-tokens';
import { normalizeEmail } from './users';

export const PASSWORD_RESET_TTL_SECONDS = 3600;

type Deps = Pick<ServiceContext, 'db' | 'clock' | 'mailer' | 'config' | 'passwords'>;

/** Emails a reset link (1 h) when the account exists; the caller answers the same either way. */
export async function requestPasswordReset(deps: Deps, email: string): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalizeEmail(email)))
    .executeTakeFirst();
  if (!user) return;
  const token = await issueUserToken(deps.db, {
    userId: user.id,
    purpose: 'reset_password',
    ttlSeconds: PASSWORD_RESET_TTL_SECONDS,
    now: deps.clock.now(),
  });
  deps.mailer.send({
    to: user.email,
    subject: 'Reset your SentinelMesh password',
    lines: [
      'Someone asked to reset the password of the SentinelMesh account with this address. Choose a new password with the link below (valid for 1 hour, once).',
      'Resetting signs the account out everywhere. If you did not ask for this, ignore this email.',
    ],
    link: dashboardLink(deps.config.DASHBOARD_ORIGIN, '/reset-password', token),
  });
}

/**
 * Sets the new password, marks the email verified (the link proved the mailbox), and ends every
 * session of the user: all refresh tokens and every access token issued so far.
 */
export async function confirmPasswordReset(deps: Deps, input: { token: string; password: string }) {
  const passwordHash = await deps.passwords.hash(input.password);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const userId = await consumeUserToken(tx, input.token, 'reset_password', now);
    if (!userId) throw apiErrors.invalidLink('password reset');
    await tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    await markEmailVerified(tx, userId, now);
    await revokeUserSessions(tx, userId, now);
  });
}
