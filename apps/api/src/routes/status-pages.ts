import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import {
  cursorQuery,
  idParams,
  keyQuery,
  limitQuery,
  noContent,
  pageOf,
  withoutReadBack,
} from '../schemas/common';
import { createStatusPageBody, patchStatusPageBody, statusPageSchema } from '../schemas/status-pages';
import {
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  updateStatusPage,
} from '../services/status-pages';

const tags = ['status-pages'];

export const statusPageRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/status-pages',
    { onRequest: write, schema: { tags, body: createStatusPageBody, response: { 201: statusPageSchema } } },
    async (request, reply) => reply.code(201).send(await createStatusPage(tenantOf(request), request.body)),
  );

  app.get(
    '/status-pages',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: z.object({ key: keyQuery, limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(statusPageSchema) },
      },
    },
    async (request) => listStatusPages(tenantOf(request), request.query),
  );

  app.get(
    '/status-pages/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: statusPageSchema } } },
    async (request) => getStatusPage(tenantOf(request), requireId(request.params.id, 'status page')),
  );

  app.patch(
    '/status-pages/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchStatusPageBody, response: { 200: statusPageSchema } },
    },
    async (request) =>
      updateStatusPage(tenantOf(request), {
        id: requireId(request.params.id, 'status page'),
        patch: withoutReadBack(request.body),
      }),
  );

  app.delete(
    '/status-pages/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteStatusPage(tenantOf(request), requireId(request.params.id, 'status page'));
      return reply.code(204).send(null);
    },
  );
};
