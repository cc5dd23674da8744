import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { principalOf } from '../plugins/auth';
import { usageSchema } from '../schemas/usage';
import { loadLimits, loadUsage } from '../services/quotas';

export const usageRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
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
    async (request) => {
      const { orgId } = principalOf(request);
      return withTenant(ctx.db, orgId, async (db) => ({
        limits: await loadLimits(db, orgId, ctx.config),
        usage: await loadUsage(db, orgId),
      }));
    },
  );
};
