import { notFound } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { publicStatusPageSchema, slugParams } from '../schemas/status-pages';
import { publicStatusPage, statusPageOrg } from '../services/status-pages';

/** Unauthenticated reads: limited per client address like everything else a stranger can call. */
export const publicRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const perAddress = app.limiter('public-ip', ctx.config.RATE_LIMIT_PER_MINUTE);

  app.get(
    '/public/status-pages/:slug',
    {
      schema: {
        tags: ['status-pages'],
        summary: 'Read a public status page',
        security: [],
        params: slugParams,
        response: { 200: publicStatusPageSchema },
      },
    },
    async (request, reply) => {
      await perAddress(request, reply, request.ip);
      const orgId = await statusPageOrg(ctx.db, request.params.slug);
      if (!orgId) throw notFound('status page');
      const page = await withTenant(ctx.db, orgId, (db) =>
        publicStatusPage(db, orgId, request.params.slug, ctx.clock.now()),
      );
      return reply.header('cache-control', 'public, max-age=30').send(page);
    },
  );
};
