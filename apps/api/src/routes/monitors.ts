import { createMonitorSchema } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf } from '../schemas/common';
import {
  checkResultSchema,
  listMonitorsQuery,
  monitorSchema,
  patchMonitorBody,
  resultsQuery,
} from '../schemas/monitors';
import { listMonitors } from '../services/monitor-read';
import { createMonitor, deleteMonitor, getMonitor, updateMonitor } from '../services/monitors';
import { listResults } from '../services/results';

const tags = ['monitors'];

export const monitorRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/monitors',
    { onRequest: write, schema: { tags, body: createMonitorSchema, response: { 201: monitorSchema } } },
    async (request, reply) => reply.code(201).send(await createMonitor(tenantOf(request), request.body)),
  );

  app.get(
    '/monitors',
    {
      onRequest: read,
      schema: { tags, querystring: listMonitorsQuery, response: { 200: pageOf(monitorSchema) } },
    },
    async (request) => listMonitors(tenantOf(request), request.query),
  );

  app.get(
    '/monitors/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: monitorSchema } } },
    async (request) => getMonitor(tenantOf(request), requireId(request.params.id, 'monitor')),
  );

  app.patch(
    '/monitors/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchMonitorBody, response: { 200: monitorSchema } },
    },
    async (request) =>
      updateMonitor(tenantOf(request), { id: requireId(request.params.id, 'monitor'), patch: request.body }),
  );

  app.delete(
    '/monitors/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteMonitor(tenantOf(request), requireId(request.params.id, 'monitor'));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/monitors/:id/results',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'List check results of a monitor',
        params: idParams,
        querystring: resultsQuery,
        response: { 200: pageOf(checkResultSchema) },
      },
    },
    async (request) =>
      listResults(tenantOf(request), {
        monitorId: requireId(request.params.id, 'monitor'),
        ...request.query,
      }),
  );
};
