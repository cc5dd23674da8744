import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { channelSchema, createChannelBody, patchChannelBody, testAlertSchema } from '../schemas/channels';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import { assertPublicChannelTargets } from '../services/channel-targets';
import {
  closeNotifyQueue,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  sendTestAlert,
  updateChannel,
} from '../services/channels';
import { loadLimits, spendTestAlert } from '../services/quotas';

const tags = ['channels'];

export const channelRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  app.addHook('onClose', async () => closeNotifyQueue(ctx));
  // Row-level security: the services' queries run as the tenant of the caller's organization.
  const tenant = <T>(orgId: string, fn: (scoped: ServiceContext) => Promise<T>) =>
    withTenant(ctx.db, orgId, (db) => fn({ ...ctx, db }));

  app.post(
    '/channels',
    { onRequest: write, schema: { tags, body: createChannelBody, response: { 201: channelSchema } } },
    async (request, reply) => {
      await assertPublicChannelTargets(request.body.type, request.body.config, ctx.config);
      const { orgId } = principalOf(request);
      return reply.code(201).send(await tenant(orgId, (c) => createChannel(c, orgId, request.body)));
    },
  );

  app.get(
    '/channels',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(channelSchema) },
      },
    },
    async (request) =>
      tenant(principalOf(request).orgId, (c) => listChannels(c, principalOf(request).orgId, request.query)),
  );

  app.get(
    '/channels/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: channelSchema } } },
    async (request) =>
      tenant(principalOf(request).orgId, (c) =>
        getChannel(c, principalOf(request).orgId, requireId(request.params.id, 'channel')),
      ),
  );

  app.patch(
    '/channels/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchChannelBody, response: { 200: channelSchema } },
    },
    async (request) =>
      tenant(principalOf(request).orgId, (c) =>
        updateChannel(c, principalOf(request).orgId, requireId(request.params.id, 'channel'), request.body),
      ),
  );

  app.delete(
    '/channels/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await tenant(principalOf(request).orgId, (c) =>
        deleteChannel(c, principalOf(request).orgId, requireId(request.params.id, 'channel')),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/channels/:id/test',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Send a test alert',
        description:
          'Queues a `test` event to the channel through the same delivery path as real alerts; follow it at GET /v1/alerts.',
        params: idParams,
        response: { 202: testAlertSchema },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const channelId = requireId(request.params.id, 'channel');
      const limits = await withTenant(ctx.db, orgId, (db) => loadLimits(db, orgId, ctx.config));
      await spendTestAlert(app.counters, orgId, limits.testAlertsPerMinute);
      return reply.code(202).send(await sendTestAlert({ ...ctx, requestId: request.id }, orgId, channelId));
    },
  );
};
