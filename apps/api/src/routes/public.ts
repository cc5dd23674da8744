import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { apiErrors } from '../errors';
import { publicStatusPageSchema, slugParams } from '../schemas/status-pages';

type PublicStatusPage = z.infer<typeof publicStatusPageSchema>;
const notModified = z.null().describe('Not modified: the If-None-Match header names the current ETag');

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
        response: { 200: publicStatusPageSchema, 304: notModified },
      },
    },
    async (request, reply) => {
      await perClient(request, reply, request.ip);
      await perPage(request, reply, `${request.params.slug}:${request.ip}`);
      // Served as cached (ADR 0043): the JSON as built, without a transaction of its own.
      const page = await app.statusPageCache.get(request.params.slug);
      if (!page) throw apiErrors.notFound('status page');
      reply
        .header('cache-control', 'public, max-age=30')
        .header('etag', page.etag)
        .header('vary', 'accept-encoding');
      // No body at all, not the JSON `null`.
      if (request.headers['if-none-match'] === page.etag)
        return reply.code(304).send(undefined as unknown as null);
      reply.type('application/json; charset=utf-8');
      // The cached text is this route's JSON already: Fastify sends a string or a buffer as it is.
      if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        return reply.header('content-encoding', 'gzip').send(page.gzip as unknown as PublicStatusPage);
      }
      return reply.send(page.body as unknown as PublicStatusPage);
    },
  );
};
