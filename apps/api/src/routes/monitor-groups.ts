import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf } from '../schemas/common';
import {
  createMonitorGroupBody,
  listMonitorGroupsQuery,
  monitorGroupSchema,
  patchMonitorGroupBody,
} from '../schemas/monitor-groups';
import {
  createMonitorGroup,
  deleteMonitorGroup,
  getMonitorGroup,
  listMonitorGroups,
  updateMonitorGroup,
} from '../services/monitor-groups';

const tags = ['monitor groups'];

export const monitorGroupRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/monitor-groups',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Create a monitor group',
        body: createMonitorGroupBody,
        response: { 201: monitorGroupSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createMonitorGroup(tenantOf(request), request.body)),
  );

  app.get(
    '/monitor-groups',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'List monitor groups',
        querystring: listMonitorGroupsQuery,
        response: { 200: pageOf(monitorGroupSchema) },
      },
    },
    async (request) => listMonitorGroups(tenantOf(request), request.query),
  );

  app.get(
    '/monitor-groups/:id',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Get a monitor group',
        params: idParams,
        response: { 200: monitorGroupSchema },
      },
    },
    async (request) => getMonitorGroup(tenantOf(request), requireId(request.params.id, 'monitor group')),
  );

  app.patch(
    '/monitor-groups/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Change a monitor group',
        params: idParams,
        body: patchMonitorGroupBody,
        response: { 200: monitorGroupSchema },
      },
    },
    async (request) =>
      updateMonitorGroup(tenantOf(request), {
        id: requireId(request.params.id, 'monitor group'),
        patch: request.body,
      }),
  );

  app.delete(
    '/monitor-groups/:id',
    {
      onRequest: write,
      schema: { tags, summary: 'Delete a monitor group', params: idParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      await deleteMonitorGroup(tenantOf(request), requireId(request.params.id, 'monitor group'));
      return reply.code(204).send(null);
    },
  );
};
