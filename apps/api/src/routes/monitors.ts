import { createMonitorSchema } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
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

export const monitorRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.post(
    '/monitors',
    { onRequest: write, schema: { tags, body: createMonitorSchema, response: { 201: monitorSchema } } },
    async (request, reply) => {
      const monitor = await createMonitor(ctx, principalOf(request).orgId, request.body);
      return reply.code(201).send(monitor);
    },
  );

  app.get(
    '/monitors',
    {
      onRequest: read,
      schema: { tags, querystring: listMonitorsQuery, response: { 200: pageOf(monitorSchema) } },
    },
    async (request) => listMonitors(ctx.db, principalOf(request).orgId, request.query),
  );

  app.get(
    '/monitors/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: monitorSchema } } },
    async (request) => getMonitor(ctx, principalOf(request).orgId, requireId(request.params.id, 'monitor')),
  );

  app.patch(
    '/monitors/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchMonitorBody, response: { 200: monitorSchema } },
    },
    async (request) =>
      updateMonitor(ctx, principalOf(request).orgId, requireId(request.params.id, 'monitor'), request.body),
  );

  app.delete(
    '/monitors/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteMonitor(ctx, principalOf(request).orgId, requireId(request.params.id, 'monitor'));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/monitors/:id/results',
    {
      onRequest: read,
      schema: {
        tags,
        params: idParams,
        querystring: resultsQuery,
        response: { 200: pageOf(checkResultSchema) },
      },
    },
    async (request) =>
      listResults(ctx.db, principalOf(request).orgId, requireId(request.params.id, 'monitor'), request.query),
  );
};
