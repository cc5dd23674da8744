import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import { createStatusPageBody, patchStatusPageBody, statusPageSchema } from '../schemas/status-pages';
import {
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  updateStatusPage,
} from '../services/status-pages';

const tags = ['status-pages'];

export const statusPageRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  const tenant = <T>(orgId: string, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(ctx.db, orgId, fn);

  app.post(
    '/status-pages',
    { onRequest: write, schema: { tags, body: createStatusPageBody, response: { 201: statusPageSchema } } },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      return reply.code(201).send(await tenant(orgId, (db) => createStatusPage(db, orgId, request.body)));
    },
  );

  app.get(
    '/status-pages',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(statusPageSchema) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return tenant(orgId, (db) => listStatusPages(db, orgId, request.query));
    },
  );

  app.get(
    '/status-pages/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: statusPageSchema } } },
    async (request) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'status page');
      return tenant(orgId, (db) => getStatusPage(db, orgId, id));
    },
  );

  app.patch(
    '/status-pages/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchStatusPageBody, response: { 200: statusPageSchema } },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'status page');
      return tenant(orgId, (db) => updateStatusPage(db, orgId, id, request.body));
    },
  );

  app.delete(
    '/status-pages/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'status page');
      await tenant(orgId, (db) => deleteStatusPage(db, orgId, id));
      return reply.code(204).send(null);
    },
  );
};
