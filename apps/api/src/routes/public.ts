import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { publicStatusPageSchema, slugParams } from '../schemas/status-pages';
import { publicStatusPage, statusPageOrg } from '../services/status-pages';

/** A client's budget over all public pages and pings, in multiples of one page's budget. */
export const PUBLIC_CLIENT_FACTOR = 10;

/**
 * Unauthenticated reads, limited per page and client: one busy page (or one client hammering it)
 * does not spend another page's budget. A wider per-client budget bounds slug guessing.
 */
export const publicRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const perPage = app.limiter('status-page', ctx.config.RATE_LIMIT_PER_MINUTE);
  const perClient = app.limiter('public-ip', ctx.config.RATE_LIMIT_PER_MINUTE * PUBLIC_CLIENT_FACTOR);

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
      await perClient(request, reply, request.ip);
      await perPage(request, reply, `${request.params.slug}:${request.ip}`);
      const orgId = await statusPageOrg(ctx, request.params.slug);
      if (!orgId) throw apiErrors.notFound('status page');
      // The slug names the organization: the request's tenant transaction opens here, not in a hook.
      const page = await publicStatusPage(await app.openTenant(request, orgId), request.params.slug);
      return reply.header('cache-control', 'public, max-age=30').send(page);
    },
  );
};
