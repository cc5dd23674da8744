import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import type { ProbeGateway } from '../probes/gateway';
import { authenticateProbe, type ProbeIdentity } from '../probes/probe-auth';
import {
  probePollBodySchema,
  probePollResponse,
  probeResultsBodySchema,
  probeResultsResponseSchema,
  probeSessionSchema,
} from '../schemas/probe-gateway';

const tags = ['probe-gateway'];
const security = [{ probeToken: [] }];
/** A poll carries a version and four numbers. */
const POLL_BODY_LIMIT = 16 * 1024;
/** Up to maxResultsPerPost results with their failed assertions. */
export const RESULTS_BODY_LIMIT = 4 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    probe: ProbeIdentity | null;
  }
}

const probeOf = (request: FastifyRequest): ProbeIdentity => {
  if (!request.probe) throw new Error('probe route without probe authentication');
  return request.probe;
};

/** Aborts when the client goes away before its answer was sent. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * The probe gateway: outbound-only probes authenticate with their token (never a user's), take the
 * slots of their region and send results back (ADR 0030, docs/probes.md).
 */
export const probeGatewayRoutes: FastifyPluginAsyncZod<{
  ctx: ServiceContext;
  gateway: ProbeGateway;
}> = async (app, { ctx, gateway }) => {
  app.decorateRequest('probe', null);
  const limit = app.limiter('probe', ctx.config.RATE_LIMIT_PER_MINUTE);
  app.addHook('onRequest', async (request, reply) => {
    request.probe = await authenticateProbe(ctx.db, request.headers.authorization);
    await limit(request, reply, `probe:${request.probe.probeId}`);
  });

  app.get(
    '/probe/session',
    {
      schema: {
        tags,
        security,
        summary: "A probe's session: its region, trust and the gateway's clock",
        response: { 200: probeSessionSchema },
      },
    },
    async (request, reply) => {
      const probe = probeOf(request);
      await gateway.seen(probe);
      return reply.header('cache-control', 'no-store').send(gateway.session(probe));
    },
  );

  app.post(
    '/probe/poll',
    {
      bodyLimit: POLL_BODY_LIMIT,
      schema: {
        tags,
        security,
        summary: "Long-poll for the slots due in the probe's region",
        description:
          'Held up to pollWaitMs; answers as soon as slots are due. Handing slots over completes their jobs: the probe holds them from then on. A revoked token ends the poll with 401 at once.',
        body: probePollBodySchema,
        response: { 200: probePollResponse },
      },
    },
    async (request, reply) => {
      const answer = await gateway.poll(probeOf(request), request.body, clientGone(reply));
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  app.post(
    '/probe/results',
    {
      bodyLimit: RESULTS_BODY_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Send check results (idempotent: a result already stored counts as a duplicate)',
        body: probeResultsBodySchema,
        response: { 200: probeResultsResponseSchema },
      },
    },
    async (request) => {
      const probe = probeOf(request);
      await gateway.seen(probe);
      return gateway.ingest(probe, request.body.results);
    },
  );
};
