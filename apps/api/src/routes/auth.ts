import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { REFRESH_COOKIE, sessionCookies } from '../http/session';
import { principalOf } from '../plugins/auth';
import { sessionOnly } from '../plugins/session-only';
import {
  loginBody,
  meResponse,
  signupBody,
  signupResponse,
  switchBody,
  tokenResponse,
} from '../schemas/auth';
import { noContent } from '../schemas/common';
import { describeCaller, login, signup, switchOrganization } from '../services/accounts';
import { liveFamilyOf, revokeRefreshToken, rotateRefreshToken } from '../services/refresh-tokens';

const publicRoute = { security: [] };

export const authRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // Stricter than the per-credential limit: guessing passwords and mass signups are the abuse here.
  // Fails closed: with Redis down these routes answer 503 rather than allow unlimited tries.
  const perAddress = app.limiter('auth-ip', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, { failClosed: true });
  const { setRefreshCookie, clearRefreshCookie, startSession } = sessionCookies(app, ctx);

  app.post(
    '/auth/signup',
    {
      schema: {
        ...publicRoute,
        summary: 'Sign up: a new user owning a new organization, or joining an invitation’s',
        description:
          'With `organizationName`, the user owns a new organization and is emailed a verification link. With `invitationToken` instead (from an emailed invitation to this email), no organization is created: the user joins the invitation’s organization with its role, the invitation is accepted, the address counts as verified, and the session acts there. An unknown, used, revoked or expired token is a 400 `invalid_token`, another address’s a 403; either way nothing is created.',
        tags: ['auth'],
        body: signupBody,
        response: { 201: signupResponse },
      },
    },
    async (request, reply) => {
      if (!ctx.config.SIGNUP_ENABLED) throw apiErrors.signupDisabled();
      await perAddress(request, reply, request.ip);
      const account = await signup(ctx, request.body);
      return reply.code(201).send(await startSession(reply, account));
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        ...publicRoute,
        summary: 'Log in',
        tags: ['auth'],
        body: loginBody,
        response: { 200: signupResponse },
      },
    },
    async (request, reply) => {
      await perAddress(request, reply, request.ip);
      const attempt = { account: request.body.email.trim().toLowerCase(), client: request.ip };
      const account = await app.failedLogins.guard(attempt, () => login(ctx, request.body));
      return reply.send(await startSession(reply, account));
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        ...publicRoute,
        summary: 'Exchange the refresh cookie for a new access token',
        tags: ['auth'],
        response: { 200: tokenResponse },
      },
    },
    async (request, reply) => {
      const token = request.cookies[REFRESH_COOKIE];
      if (!token) throw apiErrors.sessionEnded('no refresh token');
      try {
        const rotation = await rotateRefreshToken(ctx, token);
        setRefreshCookie(reply, rotation.grant);
        return reply.send(app.issueAccessToken(rotation));
      } catch (error) {
        clearRefreshCookie(reply);
        throw error;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        ...publicRoute,
        summary: 'Log out: end the session of the refresh cookie',
        tags: ['auth'],
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const token = request.cookies[REFRESH_COOKIE];
      if (token) await revokeRefreshToken(ctx, token);
      return clearRefreshCookie(reply).code(204).send(null);
    },
  );

  app.post(
    '/auth/switch',
    {
      onRequest: [app.requireRole('viewer'), sessionOnly],
      schema: {
        summary: 'Switch to another organization of the signed-in user',
        description:
          'The current session proves the user, so no password is asked. Answers with a session in that organization (like login) and replaces the refresh cookie; the old session ends. An organization the user does not belong to is a 404. API keys are refused (403): a key speaks for one organization.',
        tags: ['auth'],
        body: switchBody,
        response: { 200: signupResponse },
      },
    },
    async (request, reply) => {
      const account = await switchOrganization(ctx, principalOf(request), request.body.organizationId);
      const previous = request.cookies[REFRESH_COOKIE];
      const session = await startSession(reply, account);
      // Only the caller's own session: a cookie of someone else in this browser is not theirs to end.
      if (previous && (await liveFamilyOf(ctx, { token: previous, userId: account.user.id }))) {
        await revokeRefreshToken(ctx, previous);
      }
      return reply.send(session);
    },
  );

  app.get(
    '/me',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['auth'],
        summary: 'Who am I: user, organization and role, and every organization I belong to',
        response: { 200: meResponse },
      },
    },
    async (request) => describeCaller(ctx, principalOf(request)),
  );
};
