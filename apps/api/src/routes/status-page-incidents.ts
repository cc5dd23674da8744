import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { cursorQuery, idParams, limitQuery, noContent, pageOf } from '../schemas/common';
import {
  createPageIncidentBody,
  pageIncidentParams,
  pageIncidentSchema,
  patchPageIncidentBody,
  postPageIncidentUpdateBody,
  promoteIncidentBody,
} from '../schemas/status-page-incidents';
import { subscriberParams, subscriberSchema } from '../schemas/status-page-subscribers';
import {
  createPageIncident,
  deletePageIncident,
  getPageIncident,
  listPageIncidents,
  postPageIncidentUpdate,
  promoteIncident,
  updatePageIncident,
} from '../services/status-page-incidents';
import { deleteSubscriber, listSubscribers } from '../services/status-page-subscribers';

const tags = ['status-pages'];
const pageQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

/** Incidents posted on status pages, their updates, and the pages' subscribers (ADR 0041). */
export const statusPageIncidentRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  const ids = (params: { id: string; incidentId: string }) => ({
    pageId: requireId(params.id, 'status page'),
    id: requireId(params.incidentId, 'status page incident'),
  });

  app.get(
    '/status-pages/:id/incidents',
    {
      onRequest: read,
      schema: {
        tags,
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(pageIncidentSchema) },
      },
    },
    async (request) =>
      listPageIncidents(tenantOf(request), requireId(request.params.id, 'status page'), request.query),
  );

  app.post(
    '/status-pages/:id/incidents',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Post an incident on a status page',
        description:
          'With its first update (`message`); announced to the confirmed subscribers of the page. `componentIds` must name components of this page.',
        params: idParams,
        body: createPageIncidentBody,
        response: { 201: pageIncidentSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await createPageIncident(
            tenantOf(request),
            requireId(request.params.id, 'status page'),
            request.body,
          ),
        ),
  );

  app.get(
    '/status-pages/:id/incidents/:incidentId',
    { onRequest: read, schema: { tags, params: pageIncidentParams, response: { 200: pageIncidentSchema } } },
    async (request) => {
      const { pageId, id } = ids(request.params);
      return getPageIncident(tenantOf(request), pageId, id);
    },
  );

  app.patch(
    '/status-pages/:id/incidents/:incidentId',
    {
      onRequest: write,
      schema: {
        tags,
        summary: "Correct a status page incident's title, impact or components",
        description: 'Not announced; the status changes through an update.',
        params: pageIncidentParams,
        body: patchPageIncidentBody,
        response: { 200: pageIncidentSchema },
      },
    },
    async (request) => updatePageIncident(tenantOf(request), { ...ids(request.params), patch: request.body }),
  );

  app.delete(
    '/status-pages/:id/incidents/:incidentId',
    { onRequest: write, schema: { tags, params: pageIncidentParams, response: { 204: noContent } } },
    async (request, reply) => {
      const { pageId, id } = ids(request.params);
      await deletePageIncident(tenantOf(request), pageId, id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/status-pages/:id/incidents/:incidentId/updates',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Add an update to a status page incident',
        description:
          "Its status becomes the incident's (`resolved` closes it); announced to the page's confirmed subscribers.",
        params: pageIncidentParams,
        body: postPageIncidentUpdateBody,
        response: { 201: pageIncidentSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await postPageIncidentUpdate(tenantOf(request), { ...ids(request.params), ...request.body })),
  );

  app.post(
    '/incidents/:id/promote',
    {
      onRequest: write,
      schema: {
        tags: ['incidents', ...tags],
        summary: 'Post an automatic incident on a status page',
        description: 'Creates a status page incident linked to this one (once per page; again is a 409).',
        params: idParams,
        body: promoteIncidentBody,
        response: { 201: pageIncidentSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await promoteIncident(tenantOf(request), requireId(request.params.id, 'incident'), request.body),
        ),
  );

  app.get(
    '/status-pages/:id/subscribers',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "A status page's subscribers",
        description: 'Addresses and webhook URLs are shown to members only, never on the public page.',
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(subscriberSchema) },
      },
    },
    async (request) =>
      listSubscribers(tenantOf(request), requireId(request.params.id, 'status page'), request.query),
  );

  app.delete(
    '/status-pages/:id/subscribers/:subscriberId',
    { onRequest: write, schema: { tags, params: subscriberParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteSubscriber(
        tenantOf(request),
        requireId(request.params.id, 'status page'),
        requireId(request.params.subscriberId, 'subscriber'),
      );
      return reply.code(204).send(null);
    },
  );
};
