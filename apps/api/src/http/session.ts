import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceContext } from '../context';
import type { Account } from '../services/accounts';
import { issueRefreshToken, type RefreshGrant } from '../services/refresh-tokens';

export const REFRESH_COOKIE = 'sm_refresh';

/** The refresh cookie and the session answer (login, signup, invitation accept) in one place. */
export function sessionCookies(app: FastifyInstance, ctx: ServiceContext) {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.COOKIE_SECURE,
  } as const;

  /** The cookie lives exactly as long as the session: its absolute expiry, not a fresh 30 days. */
  const setRefreshCookie = (reply: FastifyReply, grant: RefreshGrant) =>
    reply.setCookie(REFRESH_COOKIE, grant.token, {
      ...cookieOptions,
      maxAge: Math.max(0, Math.ceil((grant.expiresAt.getTime() - ctx.clock.now().getTime()) / 1000)),
    });

  const clearRefreshCookie = (reply: FastifyReply) => reply.clearCookie(REFRESH_COOKIE, cookieOptions);

  /** An access token in the body and a refresh token in the httpOnly cookie. */
  async function startSession(reply: FastifyReply, account: Account) {
    const grant = await issueRefreshToken(ctx.db, {
      userId: account.user.id,
      orgId: account.organization.id,
      now: ctx.clock.now(),
    });
    setRefreshCookie(reply, grant);
    const access = app.issueAccessToken({
      userId: account.user.id,
      orgId: account.organization.id,
      role: account.role,
      generation: account.generation,
    });
    return { ...access, user: account.user, organization: account.organization };
  }

  return { setRefreshCookie, clearRefreshCookie, startSession };
}
