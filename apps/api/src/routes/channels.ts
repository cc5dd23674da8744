import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { tenantOf } from '../plugins/tenant';
import { channelSchema, createChannelBody, patchChannelBody, testAlertSchema } from '../schemas/channels';
import {
  cursorQuery,
  idParams,
  keyQuery,
  limitQuery,
  noContent,
  pageOf,
  withoutReadBack,
} from '../schemas/common';
import { screenChannelTargets } from '../services/channel-targets';
import {
  closeNotifyQueue,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  sendTestAlert,
  updateChannel,
} from '../services/channels';
import { loadLimits, spendTestAlert } from '../services/quotas';
import { awaitTestOutcome } from '../services/test-alert-outcome';

const tags = ['channels'];

/**
 * Create and patch look up their target URLs in DNS first, so they open the request's tenant
 * transaction themselves, after it, rather than hold it across the lookup (ADR 0014).
 */
const afterLookup = { tenantTransaction: false } as const;

export const channelRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  const write = app.requireRole('member');
  app.addHook('onClose', async () => closeNotifyQueue(ctx));
  const openTenant = (request: FastifyRequest) => {
    const principal = principalOf(request);
    return app.openTenant(request, principal.orgId, principal);
  };

  app.post(
    '/channels',
    {
      onRequest: write,
      config: afterLookup,
      schema: { tags, body: createChannelBody, response: { 201: channelSchema } },
    },
    async (request, reply) => {
      (await screenChannelTargets(request.body.config, ctx.config))(request.body.type);
      await openTenant(request);
      return reply.code(201).send(await createChannel(tenantOf(request), request.body));
    },
  );

  app.get(
    '/channels',
    {
      onRequest: read,
      schema: {
        tags,
        querystring: z.object({ key: keyQuery, limit: limitQuery, cursor: cursorQuery }),
        response: { 200: pageOf(channelSchema) },
      },
    },
    async (request) => listChannels(tenantOf(request), request.query),
  );

  app.get(
    '/channels/:id',
    { onRequest: read, schema: { tags, params: idParams, response: { 200: channelSchema } } },
    async (request) => getChannel(tenantOf(request), requireId(request.params.id, 'channel')),
  );

  app.patch(
    '/channels/:id',
    {
      onRequest: write,
      config: afterLookup,
      schema: { tags, params: idParams, body: patchChannelBody, response: { 200: channelSchema } },
    },
    async (request) => {
      const id = requireId(request.params.id, 'channel');
      const targets = await screenChannelTargets(request.body.config ?? {}, ctx.config);
      await openTenant(request);
      return updateChannel(tenantOf(request), { id, patch: withoutReadBack(request.body), targets });
    },
  );

  app.delete(
    '/channels/:id',
    { onRequest: write, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteChannel(tenantOf(request), requireId(request.params.id, 'channel'));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/channels/:id/test',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Send a test alert',
        description:
          "Queues a `test` event to the channel through the same delivery path as real alerts, then waits a bounded time (TEST_ALERT_WAIT_MS, 15 s by default) for its first delivery attempt and reports it in `outcome`: delivered with the receiver's status and the duration, or failed with the reason. `outcome` is null when no attempt was made within the wait; follow the alert at GET /v1/alerts.",
        params: idParams,
        response: { 202: testAlertSchema },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const channelId = requireId(request.params.id, 'channel');
      const limits = await loadLimits(tenant.db, tenant.orgId, tenant.config);
      await spendTestAlert(app.counters, tenant.orgId, limits.testAlertsPerMinute);
      const queued = await sendTestAlert(tenant, channelId);
      // The notifier reads the alert row and its job only once they are committed and queued.
      await app.commitTenant(request);
      const waitMs = ctx.config.TEST_ALERT_WAIT_MS;
      return reply.code(202).send(await awaitTestOutcome(ctx, { orgId: tenant.orgId, queued, waitMs }));
    },
  );
};
