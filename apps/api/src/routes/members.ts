import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { sessionOnly } from '../plugins/session-only';
import { tenantOf } from '../plugins/tenant';
import { cursorQuery, limitQuery, noContent, pageOf } from '../schemas/common';
import {
  addMemberBody,
  invitationSchema,
  memberSchema,
  patchMemberBody,
  userIdParams,
} from '../schemas/members';
import { createInvitation } from '../services/invitations';
import { changeMemberRole, listMembers, removeMember } from '../services/members';
import { normalizeEmail } from '../services/users';

const tags = ['members'];

export const memberRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const manage = [app.requireRole('admin'), sessionOnly];
  // Each invitation emails an address the admin names: at most a few a minute to one address.
  const invitesPerRecipient = app.limiter('invite-to', ctx.config.MAIL_RATE_LIMIT_PER_MINUTE);

  app.get(
    '/members',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'List members',
        description: 'Oldest member first.',
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(memberSchema) },
      },
    },
    async (request) => listMembers(tenantOf(request), request.query),
  );

  app.post(
    '/members',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Invite a member',
        description:
          'Emails a single-use invitation (7 days); the person becomes a member when a signed-in account with that verified address accepts it. The answer is the same whether or not the address has an account. A new invitation replaces a pending one for the same address; only an owner invites owners.',
        body: addMemberBody,
        response: { 201: invitationSchema },
      },
    },
    async (request, reply) => {
      await invitesPerRecipient(request, reply, normalizeEmail(request.body.email));
      const invitation = await createInvitation(tenantOf(request), request.body);
      return reply.code(201).send(invitation);
    },
  );

  app.patch(
    '/members/:userId',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Change a member's role",
        params: userIdParams,
        body: patchMemberBody,
        response: { 200: memberSchema },
      },
    },
    async (request) =>
      changeMemberRole(tenantOf(request), {
        userId: requireId(request.params.userId, 'member'),
        role: request.body.role,
      }),
  );

  app.delete(
    '/members/:userId',
    {
      onRequest: manage,
      schema: { tags, summary: 'Remove a member', params: userIdParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      await removeMember(tenantOf(request), requireId(request.params.userId, 'member'));
      return reply.code(204).send(null);
    },
  );
};
