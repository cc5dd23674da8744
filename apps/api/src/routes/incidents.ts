import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, pageOf } from '../schemas/common';
import {
  alertSchema,
  escalationTimelineSchema,
  incidentDetailSchema,
  incidentSchema,
  listAlertsQuery,
  listIncidentsQuery,
  patchIncidentBody,
} from '../schemas/incidents';
import { listAlerts } from '../services/alerts';
import { escalationTimeline } from '../services/escalation-timeline';
import { acknowledgeIncident, getIncident, listIncidents, updateIncidentNote } from '../services/incidents';

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
      schema: {
        tags: ['incidents'],
        summary: 'An incident with its timeline',
        description:
          'The incident, its cause in plain words naming every failed rule, its duration, its post-mortem note, and a timeline from stored facts: the first failing check, each confirmation with its regions, the transition, each alert per channel with its delivery outcome, the acknowledgement and the resolution.',
        params: idParams,
        response: { 200: incidentDetailSchema },
      },
    },
    async (request) => getIncident(tenantOf(request), requireId(request.params.id, 'incident')),
  );

  app.get(
    '/incidents/:id/escalation',
    {
      onRequest: read,
      schema: {
        tags: ['incidents'],
        summary: "An incident's escalation timeline",
        description:
          'Each notification (the step, round or reminder that sent it, its recipient, when, and its delivery status) and the acknowledgement (who, when, whether through a link).',
        params: idParams,
        response: { 200: escalationTimelineSchema },
      },
    },
    async (request) => escalationTimeline(tenantOf(request), requireId(request.params.id, 'incident')),
  );

  app.patch(
    '/incidents/:id',
    {
      onRequest: write,
      schema: {
        tags: ['incidents'],
        summary: "Write an incident's post-mortem note",
        params: idParams,
        body: patchIncidentBody,
        response: { 200: incidentDetailSchema },
      },
    },
    async (request) =>
      updateIncidentNote(tenantOf(request), requireId(request.params.id, 'incident'), request.body.note),
  );

  app.post(
    '/incidents/:id/acknowledge',
    {
      onRequest: write,
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge an incident',
        description:
          'Records who acknowledged it (the first acknowledgement counts). While the incident is open, every channel its alerts went to receives one `incident.acknowledged` alert.',
        params: idParams,
        response: { 200: incidentSchema },
      },
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
