import { heartbeatStatuses } from '@sentinelmesh/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { keyPart } from '../limits/counters';
import { findHeartbeatMonitor, MAX_PING_MESSAGE, recordPing } from '../services/heartbeats';
import { PUBLIC_CLIENT_FACTOR } from './public';

const params = z.object({ token: z.string().max(256) });
const query = z.object({
  status: z.enum(heartbeatStatuses).default('ok').describe('`fail` reports that the job failed'),
  message: z.string().max(MAX_PING_MESSAGE).optional().describe('a short note, kept with the ping'),
});
const pingResponse = z.object({ received: z.literal(true), status: z.enum(heartbeatStatuses) });

/** A message in the body: plain text, or JSON `{ "message": "..." }`. */
function bodyMessage(body: unknown): string | null {
  if (typeof body === 'string') return body.trim() || null;
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return null;
}

/**
 * Heartbeat pings: `GET|POST /v1/heartbeats/:token`, unauthenticated (the token in the URL is the
 * secret), limited per monitor token and client address. Cron jobs call it with curl, so plain-text and form bodies
 * are accepted here (only here) as the message.
 */
export const heartbeatRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const perToken = app.limiter('heartbeat', ctx.config.RATE_LIMIT_PER_MINUTE);
  const perClient = app.limiter('public-ip', ctx.config.RATE_LIMIT_PER_MINUTE * PUBLIC_CLIENT_FACTOR);
  app.addContentTypeParser(
    ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'],
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => done(null, body),
  );

  app.route({
    method: ['GET', 'POST'],
    url: '/heartbeats/:token',
    schema: {
      tags: ['heartbeats'],
      security: [],
      params,
      querystring: query,
      response: { 200: pingResponse },
    },
    handler: async (request, reply) => {
      await perClient(request, reply, request.ip);
      // The token is a secret: only a hash of it goes into the Redis key.
      await perToken(request, reply, `${keyPart(request.params.token)}:${request.ip}`);
      const monitor = await findHeartbeatMonitor(ctx, request.params.token);
      const message = request.query.message ?? bodyMessage(request.body);
      // The token names the organization: the request's tenant transaction opens here, not in a hook.
      const tenant = await app.openTenant(request, monitor.orgId);
      await recordPing(tenant, { monitorId: monitor.id, status: request.query.status, message });
      return reply.header('cache-control', 'no-store').send({ received: true, status: request.query.status });
    },
  });
};
