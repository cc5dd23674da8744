import { roleSchema } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { sessionCookies } from '../http/session';
import { acceptInvitationResponse } from '../schemas/auth';
import { idParams, isoTime, noContent } from '../schemas/common';
import { acceptMyInvitation, declineMyInvitation, listMyInvitations } from '../services/invitations';
import { userPrincipal } from './credentials';

const tags = ['members'];

const myInvitation = z.object({
  id: z.string(),
  organization: z.object({ id: z.string(), name: z.string() }),
  role: roleSchema,
  invitedBy: z.string().nullable().describe('email of the member who sent it, if still known'),
  createdAt: isoTime,
  expiresAt: isoTime,
});

/** Invitations addressed to the signed-in person, whatever organization they act in now. */
export const myInvitationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const signedIn = app.requireRole('viewer');
  const { startSession } = sessionCookies(app, ctx);

  app.get(
    '/me/invitations',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Pending invitations to me',
        description:
          "Pending invitations addressed to the signed-in user's email, in every organization, newest first (at most 100). Empty, with `emailVerified: false`, until the address is verified. API keys: 403.",
        response: { 200: z.object({ items: z.array(myInvitation), emailVerified: z.boolean() }) },
      },
    },
    async (request) => listMyInvitations(ctx, userPrincipal(request).userId),
  );

  app.post(
    '/me/invitations/:id/accept',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Accept an invitation to me',
        description:
          'Like accepting with the emailed token: the verified email must be the invited address (403 while unverified). Answers with a session in the joined organization and sets the refresh cookie. Another address’s invitation, or one no longer pending: 404. Already a member: 409.',
        params: idParams,
        response: { 200: acceptInvitationResponse },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      const account = await acceptMyInvitation(ctx, {
        userId,
        id: requireId(request.params.id, 'invitation'),
      });
      return { ...(await startSession(reply, account)), role: account.role };
    },
  );

  app.post(
    '/me/invitations/:id/decline',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Decline an invitation to me',
        description:
          'The invitation ends (its organization lists it as revoked) and its emailed link stops working. Another address’s invitation, or one no longer pending: 404.',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const { userId } = userPrincipal(request);
      await declineMyInvitation(ctx, { userId, id: requireId(request.params.id, 'invitation') });
      return reply.code(204).send(null);
    },
  );
};
