import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent } from '../schemas/common';
import {
  createdProbeSchema,
  createLocationBody,
  createProbeBody,
  locationListSchema,
  locationSchema,
  probeListSchema,
} from '../schemas/locations';
import {
  createLocation,
  createProbe,
  deleteLocation,
  listLocations,
  listProbes,
  revokeProbe,
} from '../services/locations';

const tags = ['locations'];

export const locationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('member');
  const manage = app.requireRole('admin');

  app.get(
    '/locations',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "The organization's private locations",
        response: { 200: locationListSchema },
      },
    },
    async (request) => listLocations(tenantOf(request)),
  );

  app.post(
    '/locations',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Create a private location',
        description:
          "A region of the organization's own, served by its probes. Monitors list its `region` to run there; with allowPrivateTargets, a monitor whose regions are all such locations may check private and loopback addresses.",
        body: createLocationBody,
        response: { 201: locationSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createLocation(tenantOf(request), request.body)),
  );

  app.delete(
    '/locations/:id',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Delete a private location no monitor uses',
        description: 'Its probes are cut off at once. A location that monitors still list is a 409.',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await deleteLocation(tenantOf(request), requireId(request.params.id, 'location'));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/locations/:id/probes',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: 'Create a probe token for a private location',
        description: 'The token (smp_…) is in this response only; only its hash is stored.',
        params: idParams,
        body: createProbeBody,
        response: { 201: createdProbeSchema },
      },
    },
    async (request, reply) => {
      const probe = await createProbe(
        tenantOf(request),
        requireId(request.params.id, 'location'),
        request.body,
      );
      return reply.code(201).header('cache-control', 'no-store').send(probe);
    },
  );

  app.delete(
    '/locations/:id/probes/:probeId',
    {
      onRequest: manage,
      schema: {
        tags,
        summary: "Revoke a probe's token",
        description: 'The next request of the probe, and any poll it holds open, answers 401.',
        params: z.object({ id: z.string(), probeId: z.string() }),
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await revokeProbe(
        tenantOf(request),
        requireId(request.params.id, 'location'),
        requireId(request.params.probeId, 'probe'),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/probes',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "The probes of the organization's locations and of the probe regions its monitors use",
        description: 'Version, last seen, lag and checks per second, as each probe last reported them.',
        response: { 200: probeListSchema },
      },
    },
    async (request) => listProbes(tenantOf(request), ctx.db),
  );
};
