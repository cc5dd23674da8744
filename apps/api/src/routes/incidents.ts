import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
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

export const incidentRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
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
    async (request) => {
      const { orgId } = principalOf(request);
      return withTenant(ctx.db, orgId, (db) => listIncidents(db, orgId, request.query));
    },
  );

  app.get(
    '/incidents/:id',
    {
      onRequest: read,
      schema: { tags: ['incidents'], params: idParams, response: { 200: incidentDetailSchema } },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'incident');
      return withTenant(ctx.db, orgId, (db) => getIncident(db, ctx.clock, orgId, id));
    },
  );

  app.post(
    '/incidents/:id/acknowledge',
    {
      onRequest: write,
      schema: { tags: ['incidents'], params: idParams, response: { 200: incidentSchema } },
    },
    async (request) => {
      const principal = principalOf(request);
      const id = requireId(request.params.id, 'incident');
      return withTenant(ctx.db, principal.orgId, (db) =>
        acknowledgeIncident(db, ctx.clock, principal.orgId, id, principal.userId),
      );
    },
  );

  app.get(
    '/alerts',
    {
      onRequest: read,
      schema: { tags: ['alerts'], querystring: listAlertsQuery, response: { 200: pageOf(alertSchema) } },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      return withTenant(ctx.db, orgId, (db) => listAlerts(db, orgId, request.query));
    },
  );
};
