import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { publicStatusPageSchema } from '../schemas/status-pages';
import { statusPageByDomain } from '../services/status-page-public';
import { publicStatusPage } from '../services/status-pages';
import { publicPageLimits } from './public-limits';

/** A page by the host it is served on (its custom domain): what the dashboard's server asks for `Host`. */
export const publicDomainRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const limit = publicPageLimits(app, ctx);

  app.get(
    '/public/status-pages/by-domain/:host',
    {
      schema: {
        tags: ['status-pages'],
        summary: 'Read a public status page by its custom domain',
        security: [],
        params: z.object({ host: z.string().max(253).describe('a host name, e.g. status.example.com') }),
        response: { 200: publicStatusPageSchema },
      },
    },
    async (request, reply) => {
      const host = request.params.host.toLowerCase();
      await limit(request, reply, `domain:${host}`);
      const found = await statusPageByDomain(ctx, host);
      if (!found) throw apiErrors.notFound('status page');
      const page = await publicStatusPage(await app.openTenant(request, found.orgId), found.slug);
      return reply.header('cache-control', 'public, max-age=30').send(page);
    },
  );

  // Caddy's on-demand TLS asks here before it requests a certificate for a name (docs/status-pages.md).
  app.get(
    '/public/custom-domains/check',
    {
      schema: {
        tags: ['status-pages'],
        summary: 'Whether a host name is the custom domain of a status page (for on-demand TLS)',
        security: [],
        querystring: z.object({ domain: z.string().max(253) }),
        response: { 200: z.object({ domain: z.string() }) },
      },
    },
    async (request, reply) => {
      const host = request.query.domain.toLowerCase();
      await limit(request, reply, `domain:${host}`);
      if (!(await statusPageByDomain(ctx, host))) throw apiErrors.notFound('status page');
      return { domain: host };
    },
  );
};
