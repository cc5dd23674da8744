import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { tenantOf } from '../plugins/tenant';
import { usageSchema } from '../schemas/usage';
import { organizationUsage } from '../services/quotas';

export const usageRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  app.get(
    '/usage',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['usage'],
        summary: "The organization's limits and its usage of them",
        description:
          'Going over a limit answers 409 `urn:sentinelmesh:problem:quota_exceeded` (test alerts: 429 with Retry-After).',
        response: { 200: usageSchema },
      },
    },
    async (request) => organizationUsage(tenantOf(request)),
  );
};
