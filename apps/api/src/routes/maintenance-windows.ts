import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { isUuid, requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { idParams, noContent, pageOf } from '../schemas/common';
import {
  createMaintenanceWindowBody,
  listMaintenanceWindowsQuery,
  maintenanceWindowSchema,
} from '../schemas/maintenance-windows';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
} from '../services/maintenance-windows';

const tags = ['maintenance'];

export const maintenanceWindowRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  // Row-level security: the services' queries run as the tenant of the caller's organization.
  const tenant = <T>(orgId: string, fn: (scoped: ServiceContext) => Promise<T>) =>
    withTenant(ctx.db, orgId, (db) => fn({ ...ctx, db }));

  app.post(
    '/maintenance-windows',
    {
      onRequest: write,
      schema: { tags, body: createMaintenanceWindowBody, response: { 201: maintenanceWindowSchema } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const created = await tenant(principal.orgId, (c) =>
        createMaintenanceWindow(
          c,
          principal.orgId,
          isUuid(principal.userId) ? principal.userId : null,
          request.body,
        ),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/maintenance-windows',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: listMaintenanceWindowsQuery,
        response: { 200: pageOf(maintenanceWindowSchema) },
      },
    },
    async (request) =>
      tenant(principalOf(request).orgId, (c) =>
        listMaintenanceWindows(c, principalOf(request).orgId, request.query),
      ),
  );

  app.get(
    '/maintenance-windows/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: maintenanceWindowSchema } } },
    async (request) =>
      tenant(principalOf(request).orgId, (c) =>
        getMaintenanceWindow(
          c,
          principalOf(request).orgId,
          requireId(request.params.id, 'maintenance window'),
        ),
      ),
  );

  app.delete(
    '/maintenance-windows/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await tenant(principalOf(request).orgId, (c) =>
        deleteMaintenanceWindow(
          c,
          principalOf(request).orgId,
          requireId(request.params.id, 'maintenance window'),
        ),
      );
      return reply.code(204).send(null);
    },
  );
};
