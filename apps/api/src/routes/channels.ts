import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { channelSchema, createChannelBody, patchChannelBody } from '../schemas/channels';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel } from '../services/channels';

const tags = ['channels'];

export const channelRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/channels',
    { onRequest: write, schema: { tags, body: createChannelBody, response: { 201: channelSchema } } },
    async (request, reply) =>
      reply.code(201).send(await createChannel(ctx, principalOf(request).orgId, request.body)),
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
    async (request) => listChannels(ctx, principalOf(request).orgId, request.query),
  );

  app.get(
    '/channels/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: channelSchema } } },
    async (request) => getChannel(ctx, principalOf(request).orgId, requireId(request.params.id, 'channel')),
  );

  app.patch(
    '/channels/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchChannelBody, response: { 200: channelSchema } },
    },
    async (request) =>
      updateChannel(ctx, principalOf(request).orgId, requireId(request.params.id, 'channel'), request.body),
  );

  app.delete(
    '/channels/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteChannel(ctx, principalOf(request).orgId, requireId(request.params.id, 'channel'));
      return reply.code(204).send(null);
    },
  );
};
