import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { sessionOnly } from '../plugins/session-only';
import { tenantOf } from '../plugins/tenant';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import { apiKeySchema, createApiKeyBody, createdApiKeySchema } from '../schemas/members';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys';

const tags = ['api-keys'];

export const apiKeyRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const manage = app.requireRole('admin');
  // Creating and revoking keys takes a signed-in admin; a key may still list them.
  const mint = [manage, sessionOnly];

  app.post(
    '/api-keys',
    {
      onRequest: mint,
      schema: {
        tags,
        summary: 'Create an API key',
        body: createApiKeyBody,
        response: { 201: createdApiKeySchema },
      },
    },
    async (request, reply) => {
      const key = await createApiKey(tenantOf(request), request.body);
      return reply.code(201).header('cache-control', 'no-store').send(key);
    },
  );

  app.get(
    '/api-keys',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'List API keys',
        description: 'Active keys, newest first; the keys themselves are never shown again.',
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(apiKeySchema) },
      },
    },
    async (request) => listApiKeys(tenantOf(request), request.query),
  );

  app.delete(
    '/api-keys/:id',
    {
      onRequest: mint,
      schema: { tags, summary: 'Revoke an API key', params: idParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      await revokeApiKey(tenantOf(request), requireId(request.params.id, 'API key'));
      return reply.code(204).send(null);
    },
  );
};
