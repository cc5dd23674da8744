import { createMonitorSchema } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf, withoutReadBack } from '../schemas/common';
import {
  bulkBody,
  bulkResponse,
  checkNowResponse,
  recentChecksQuery,
  recentChecksResponse,
} from '../schemas/monitor-actions';
import {
  checkResultSchema,
  listMonitorsQuery,
  monitorSchema,
  patchMonitorBody,
  resultsQuery,
  screenshotQuery,
  screenshotResponse,
} from '../schemas/monitors';
import { checkNow, closeCheckQueues } from '../services/check-now';
import { bulkMonitorAction } from '../services/monitor-bulk';
import { cloneMonitor } from '../services/monitor-clone';
import { listMonitors } from '../services/monitor-read';
import { createMonitor, deleteMonitor, getMonitor, updateMonitor } from '../services/monitors';
import { recentChecks } from '../services/recent-checks';
import { listResults } from '../services/results';
import { readScreenshot } from '../services/screenshots';

const tags = ['monitors'];

export const monitorRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  app.addHook('onClose', async () => closeCheckQueues(ctx));

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
      updateMonitor(tenantOf(request), {
        id: requireId(request.params.id, 'monitor'),
        patch: withoutReadBack(request.body),
      }),
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

  app.get(
    '/monitors/:id/results/screenshot',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "A failed browser check's screenshot of its page (PNG)",
        produces: ['image/png'],
        params: idParams,
        querystring: screenshotQuery,
        response: { 200: screenshotResponse },
      },
    },
    async (request, reply) => {
      const png = await readScreenshot(tenantOf(request), {
        monitorId: requireId(request.params.id, 'monitor'),
        ...request.query,
      });
      // Results never change, so neither does their screenshot; it stays private to the signed-in user.
      return reply
        .type('image/png')
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(png);
    },
  );

  app.post(
    '/monitors/bulk',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Pause, resume or delete many monitors at once',
        body: bulkBody,
        response: { 200: bulkResponse },
      },
    },
    async (request) => bulkMonitorAction(tenantOf(request), request.body),
  );

  app.post(
    '/monitors/:id/clone',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Copy a monitor (paused, named "… (copy)")',
        params: idParams,
        response: { 201: monitorSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await cloneMonitor(tenantOf(request), requireId(request.params.id, 'monitor'))),
  );

  app.post(
    '/monitors/:id/check-now',
    {
      onRequest: write,
      schema: {
        tags,
        summary: "Run the monitor's next scheduled check at once",
        params: idParams,
        response: { 202: checkNowResponse },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await checkNow(tenantOf(request), requireId(request.params.id, 'monitor'))),
  );

  app.get(
    '/monitors/recent-checks',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'The last checks of several monitors, for the list',
        querystring: recentChecksQuery,
        response: { 200: recentChecksResponse },
      },
    },
    async (request) => recentChecks(tenantOf(request), request.query),
  );
};
