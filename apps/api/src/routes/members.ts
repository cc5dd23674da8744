import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { sessionOnly } from '../plugins/session-only';
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
    async (request) => {
      const { orgId } = principalOf(request);
      return withTenant(ctx.db, orgId, (db) => listMembers(db, orgId, request.query));
    },
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
      const actor = principalOf(request);
      await invitesPerRecipient(request, reply, normalizeEmail(request.body.email));
      const invitation = await withTenant(ctx.db, actor.orgId, (db) =>
        createInvitation(db, ctx, actor, request.body),
      );
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
    async (request) => {
      const actor = principalOf(request);
      const userId = requireId(request.params.userId, 'member');
      return withTenant(ctx.db, actor.orgId, (db) => changeMemberRole(db, actor, userId, request.body.role));
    },
  );

  app.delete(
    '/members/:userId',
    {
      onRequest: manage,
      schema: { tags, summary: 'Remove a member', params: userIdParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const userId = requireId(request.params.userId, 'member');
      await withTenant(ctx.db, actor.orgId, (db) => removeMember(db, actor, userId, ctx.clock.now()));
      return reply.code(204).send(null);
    },
  );
};
