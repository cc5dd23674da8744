import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, pageOf } from '../schemas/common';
import {
  alertSchema,
  incidentDetailSchema,
  incidentSchema,
  listAlertsQuery,
  listIncidentsQuery,
} from '../schemas/incidents';
import { listAlerts } from '../services/alerts';
import { acknowledgeIncident, getIncident, listIncidents } from '../services/incidents';

export const incidentRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');

  app.get(
    '/incidents',
    {
      onRequest: read,
      schema: {
        tags: ['incidents'],
        querystring: listIncidentsQuery,
        response: { 200: pageOf(incidentSchema) },
      },
    },
    async (request) => listIncidents(tenantOf(request), request.query),
  );

  app.get(
    '/incidents/:id',
    {
      onRequest: read,
      schema: { tags: ['incidents'], params: idParams, response: { 200: incidentDetailSchema } },
    },
    async (request) => getIncident(tenantOf(request), requireId(request.params.id, 'incident')),
  );

  app.post(
    '/incidents/:id/acknowledge',
    {
      onRequest: write,
      schema: { tags: ['incidents'], params: idParams, response: { 200: incidentSchema } },
    },
    async (request) => acknowledgeIncident(tenantOf(request), requireId(request.params.id, 'incident')),
  );

  app.get(
    '/alerts',
    {
      onRequest: read,
      schema: { tags: ['alerts'], querystring: listAlertsQuery, response: { 200: pageOf(alertSchema) } },
    },
    async (request) => listAlerts(tenantOf(request), request.query),
  );
};
