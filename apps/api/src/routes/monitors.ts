import { createMonitorSchema } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf, ranks } from '../plugins/auth';
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
  const scoped = (request: { id: string }): ServiceContext => ({ ...ctx, requestId: request.id });
  // A heartbeat's ping URL lets anyone report for the monitor: viewers see the monitor, not its token.
  const viewOf = (request: Parameters<typeof principalOf>[0]) => ({
    showToken: ranks[principalOf(request).role] >= ranks.member,
  });

  app.post(
    '/monitors',
    { onRequest: write, schema: { tags, body: createMonitorSchema, response: { 201: monitorSchema } } },
    async (request, reply) => {
      const monitor = await createMonitor(scoped(request), principalOf(request).orgId, request.body);
      return reply.code(201).send(monitor);
    },
  );

  app.get(
    '/monitors',
    {
      onRequest: read,
      schema: { tags, querystring: listMonitorsQuery, response: { 200: pageOf(monitorSchema) } },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return withTenant(ctx.db, orgId, (db) => listMonitors(db, orgId, request.query, viewOf(request)));
    },
  );

  app.get(
    '/monitors/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: monitorSchema } } },
    async (request) =>
      getMonitor(ctx, principalOf(request).orgId, requireId(request.params.id, 'monitor'), viewOf(request)),
  );

  app.patch(
    '/monitors/:id',
    {
      onRequest: write,
      schema: { tags, params: idParams, body: patchMonitorBody, response: { 200: monitorSchema } },
    },
    async (request) =>
      updateMonitor(
        scoped(request),
        principalOf(request).orgId,
        requireId(request.params.id, 'monitor'),
        request.body,
      ),
  );

  app.delete(
    '/monitors/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteMonitor(
        scoped(request),
        principalOf(request).orgId,
        requireId(request.params.id, 'monitor'),
      );
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
    async (request) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'monitor');
      return withTenant(ctx.db, orgId, (db) => listResults(db, orgId, id, request.query));
    },
  );
};
