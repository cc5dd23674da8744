import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../context';
import { PUBLIC_CLIENT_FACTOR } from './public';

/**
 * The public routes' budgets (see routes/public.ts), shared with the page itself: each client over all
 * public reads, and each client on one page.
 */
export function publicPageLimits(app: FastifyInstance, ctx: ServiceContext) {
  const perPage = app.limiter('status-page', ctx.config.RATE_LIMIT_PER_MINUTE);
  const perClient = app.limiter('public-ip', ctx.config.RATE_LIMIT_PER_MINUTE * PUBLIC_CLIENT_FACTOR);
  return async (request: FastifyRequest, reply: FastifyReply, page: string) => {
    await perClient(request, reply, request.ip);
    await perPage(request, reply, `${page}:${request.ip}`);
  };
}
