import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf, withoutReadBack } from '../schemas/common';
import {
  createMaintenanceWindowBody,
  listMaintenanceWindowsQuery,
  maintenanceWindowSchema,
  patchMaintenanceWindowBody,
} from '../schemas/maintenance-windows';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  updateMaintenanceWindow,
} from '../services/maintenance-windows';

const tags = ['maintenance'];

export const maintenanceWindowRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/maintenance-windows',
    {
      onRequest: write,
      schema: { tags, body: createMaintenanceWindowBody, response: { 201: maintenanceWindowSchema } },
    },
    async (request, reply) =>
      reply.code(201).send(await createMaintenanceWindow(tenantOf(request), request.body)),
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
    async (request) => listMaintenanceWindows(tenantOf(request), request.query),
  );

  app.get(
    '/maintenance-windows/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: maintenanceWindowSchema } } },
    async (request) =>
      getMaintenanceWindow(tenantOf(request), requireId(request.params.id, 'maintenance window')),
  );

  app.patch(
    '/maintenance-windows/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Change a maintenance window',
        params: idParams,
        body: patchMaintenanceWindowBody,
        response: { 200: maintenanceWindowSchema },
      },
    },
    async (request) =>
      updateMaintenanceWindow(tenantOf(request), {
        id: requireId(request.params.id, 'maintenance window'),
        patch: withoutReadBack(request.body),
      }),
  );

  app.delete(
    '/maintenance-windows/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteMaintenanceWindow(tenantOf(request), requireId(request.params.id, 'maintenance window'));
      return reply.code(204).send(null);
    },
  );
};
