import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { REFRESH_COOKIE, sessionCookies } from '../http/session';
import { type Principal, principalOf } from '../plugins/auth';
import {
  accepted,
  changePasswordBody,
  passwordResetBody,
  passwordResetConfirmBody,
  userResponse,
  verifyEmailBody,
} from '../schemas/auth';
import { noContent } from '../schemas/common';
import { changePassword } from '../services/accounts';
import { resendVerificationEmail, verifyEmail } from '../services/email-verification';
import { confirmPasswordReset, requestPasswordReset } from '../services/password-reset';
import { liveFamilyOf, signOutEverywhere } from '../services/refresh-tokens';
import { normalizeEmail } from '../services/users';

const tags = ['auth'];
const publicRoute = { security: [] };

/** A person signed in with an access token: API keys do not manage the credentials of their creator. */
export function userPrincipal(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.apiKeyId) throw apiErrors.apiKeyRefused('act as the user who created them');
  return principal;
}

/** Email verification, password reset and change, sign out everywhere. */
export const credentialRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const signedIn = app.requireRole('viewer');
  const { clearRefreshCookie } = sessionCookies(app, ctx);
  // Emails go to addresses the caller names: limited per client address and per recipient.
  // Like sign-in, these fail closed (503) when Redis cannot count.
  const closed = { failClosed: true };
  const mailPerAddress = app.limiter('mail-ip', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, closed);
  const mailPerRecipient = app.limiter('mail-to', ctx.config.MAIL_RATE_LIMIT_PER_MINUTE, closed);
  const tokenPerAddress = app.limiter('token-ip', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, closed);
  const passwordPerUser = app.limiter('password-user', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, closed);

  app.post(
    '/auth/verify-email',
    {
      schema: {
        ...publicRoute,
        tags,
        summary: 'Verify the email address with the emailed token',
        description: 'The token is single-use and valid 24 hours.',
        body: verifyEmailBody,
        response: { 200: userResponse },
      },
    },
    async (request, reply) => {
      await tokenPerAddress(request, reply, request.ip);
      return { user: await verifyEmail(ctx, request.body.token) };
    },
  );

  app.post(
    '/auth/verify-email/resend',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Email a new verification link to the signed-in user',
        description: 'Nothing is sent when the address is verified already. Rate-limited.',
        response: { 202: accepted },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      await mailPerRecipient(request, reply, `user:${userId}`);
      await resendVerificationEmail(ctx, userId);
      return reply.code(202).send({});
    },
  );

  app.post(
    '/auth/password-reset',
    {
      schema: {
        ...publicRoute,
        tags,
        summary: 'Email a password reset link',
        description:
          'Always 202, whether or not an account has this address; the link is single-use and valid 1 hour. Rate-limited per client address and per address.',
        body: passwordResetBody,
        response: { 202: accepted },
      },
    },
    async (request, reply) => {
      await mailPerAddress(request, reply, request.ip);
      await mailPerRecipient(request, reply, `email:${normalizeEmail(request.body.email)}`);
      await requestPasswordReset(ctx, request.body.email);
      return reply.code(202).send({});
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        ...publicRoute,
        tags,
        summary: 'Set a new password with the emailed token',
        description:
          'Marks the email verified and signs the user out everywhere: every refresh token and every access token issued before.',
        body: passwordResetConfirmBody,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await tokenPerAddress(request, reply, request.ip);
      await confirmPasswordReset(ctx, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Change the password',
        description:
          "Signs out every other session: the caller's refresh cookie stays valid, every other refresh token and every access token issued before (the caller's too) stop working. API keys get 403.",
        body: changePasswordBody,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      // A stolen access token must not become a way to guess the password.
      await passwordPerUser(request, reply, userId);
      const cookie = request.cookies[REFRESH_COOKIE];
      await changePassword(ctx, {
        userId,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        keepFamily: cookie ? await liveFamilyOf(ctx, { token: cookie, userId }) : null,
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Sign out everywhere',
        description:
          'Revokes every session of the user in every organization: refresh tokens and the access tokens already issued. Clears the refresh cookie.',
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      await signOutEverywhere(ctx, userId);
      return clearRefreshCookie(reply).code(204).send(null);
    },
  );
};
