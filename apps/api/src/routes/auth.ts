import { DomainError } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { REFRESH_COOKIE, sessionCookies } from '../http/session';
import { principalOf } from '../plugins/auth';
import { loginBody, meResponse, signupBody, signupResponse, tokenResponse } from '../schemas/auth';
import { noContent } from '../schemas/common';
import { listOrganizations, loadAccount, login, signup } from '../services/accounts';
import { revokeRefreshToken, rotateRefreshToken } from '../services/refresh-tokens';

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
        summary: 'Sign up: a new user owning a new organization',
        tags: ['auth'],
        body: signupBody,
        response: { 201: signupResponse },
      },
    },
    async (request, reply) => {
      if (!ctx.config.SIGNUP_ENABLED)
        throw new DomainError('forbidden', 'signup is disabled on this deployment');
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
      if (!token) throw new DomainError('unauthenticated', 'no refresh token; log in again');
      try {
        const rotation = await rotateRefreshToken(ctx.db, token, ctx.clock.now());
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
      if (token) await revokeRefreshToken(ctx.db, token, ctx.clock.now());
      return clearRefreshCookie(reply).code(204).send(null);
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
    async (request) => {
      const principal = principalOf(request);
      const account = await withTenant(ctx.db, principal.orgId, (db) =>
        loadAccount(db, principal.userId, principal.orgId),
      );
      if (!account) throw new DomainError('unauthenticated', 'not a member of this organization');
      // A key speaks for one organization only, not for every one its creator belongs to.
      const organizations = principal.apiKeyId
        ? [{ ...account.organization, role: principal.role }]
        : await listOrganizations(ctx.db, principal.userId);
      // An API key acts with its own (possibly lower) role, not its creator's.
      return { user: account.user, organization: account.organization, role: principal.role, organizations };
    },
  );
};
