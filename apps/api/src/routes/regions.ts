import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { tenantOf } from '../plugins/tenant';
import { regionListSchema } from '../schemas/regions';
import { listRegions } from '../services/regions';

export const regionRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  app.get(
    '/regions',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['regions'],
        summary: "The regions the organization's monitors use, live or degraded",
        description:
          'A region that reported nothing for two intervals plus the allowed lateness is degraded until it reports again; checks are then judged over the live regions.',
        response: { 200: regionListSchema },
      },
    },
    async (request) => listRegions(tenantOf(request)),
  );
};
