import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { sessionCookies } from '../http/session';
import { sessionOnly } from '../plugins/session-only';
import { tenantOf } from '../plugins/tenant';
import {
  acceptInvitationResponse,
  invitationPreview,
  invitationPreviewParams,
  invitationTokenParams,
} from '../schemas/auth';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import { invitationListItem } from '../schemas/members';
import {
  acceptInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from '../services/invitations';
import { userPrincipal } from './credentials';

const tags = ['members'];
const publicRoute = { security: [] };

/** The token in these URLs is a credential: request logs name the route, never the token. */
const logSerializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: req.url.replace(/\/invitations\/[^/?]+/, '/invitations/[redacted]'),
    host: req.host,
    remoteAddress: req.ip,
  }),
};

export const invitationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const manage = app.requireRole('admin');
  const signedIn = app.requireRole('viewer');
  const { startSession } = sessionCookies(app, ctx);
  const tokenPerAddress = app.limiter('invitation-ip', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, {
    failClosed: true,
  });

  app.get(
    '/invitations',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'List invitations',
        description: 'Newest first, with their status: pending, accepted, revoked or expired.',
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(invitationListItem) },
      },
    },
    async (request) => listInvitations(tenantOf(request), request.query),
  );

  app.delete(
    '/invitations/:id',
    {
      onRequest: [manage, sessionOnly],
      schema: {
        tags,
        summary: 'Revoke an invitation',
        description:
          'Its token stops working at once. An accepted invitation is a 409: remove the member instead.',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await revokeInvitation(tenantOf(request), requireId(request.params.id, 'invitation'));
      return reply.code(204).send(null);
    },
  );

  // `:id` like the DELETE beside it (OpenAPI forbids paths differing only by parameter name), but here
  // it is the token from the emailed link.
  app.get(
    '/invitations/:id',
    {
      logSerializers,
      schema: {
        ...publicRoute,
        tags,
        summary: 'What an invitation token offers',
        description:
          'Public: the token is the credential. 404 for unknown, used, revoked and expired tokens.',
        params: invitationPreviewParams,
        response: { 200: invitationPreview },
      },
    },
    async (request, reply) => {
      await tokenPerAddress(request, reply, request.ip);
      return previewInvitation(ctx, request.params.id);
    },
  );

  app.post(
    '/invitations/:token/accept',
    {
      logSerializers,
      onRequest: signedIn,
      // Joins another organization than the caller's: its own transaction on the service role.
      config: { tenantTransaction: false },
      schema: {
        tags,
        summary: 'Accept an invitation as the signed-in user',
        description:
          'Only for a user whose verified email is the invited address (403 otherwise; API keys too). Answers with a session in the joined organization and sets the refresh cookie. Already a member: 409. Single use.',
        params: invitationTokenParams,
        response: { 200: acceptInvitationResponse },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      await tokenPerAddress(request, reply, request.ip);
      const account = await acceptInvitation(ctx, { userId, token: request.params.token });
      return { ...(await startSession(reply, account)), role: account.role };
    },
  );
};
