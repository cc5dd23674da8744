import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams, noContent, pageOf } from '../schemas/common';
import {
  createReportSubscriptionBody,
  listReportSubscriptionsQuery,
  patchReportSubscriptionBody,
  reportSubscriptionSchema,
} from '../schemas/report-subscriptions';
import {
  createReportSubscription,
  deleteReportSubscription,
  getReportSubscription,
  listReportSubscriptions,
  updateReportSubscription,
} from '../services/report-subscriptions';

const tags = ['reports'];
const what = 'report subscription';

/** Monthly SLA report emails; recipients are addresses outside the organization too, so admins only. */
export const reportSubscriptionRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const admin = app.requireRole('admin');

  app.post(
    '/report-subscriptions',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Email a monthly SLA report to recipients',
        body: createReportSubscriptionBody,
        response: { 201: reportSubscriptionSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createReportSubscription(tenantOf(request), request.body)),
  );

  app.get(
    '/report-subscriptions',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Monthly report emails, newest first',
        querystring: listReportSubscriptionsQuery,
        response: { 200: pageOf(reportSubscriptionSchema) },
      },
    },
    async (request) => listReportSubscriptions(tenantOf(request), request.query),
  );

  app.get(
    '/report-subscriptions/:id',
    { onRequest: admin, schema: { tags, params: idParams, response: { 200: reportSubscriptionSchema } } },
    async (request) => getReportSubscription(tenantOf(request), requireId(request.params.id, what)),
  );

  app.patch(
    '/report-subscriptions/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: "Change a monthly report email's recipients, format or switch",
        params: idParams,
        body: patchReportSubscriptionBody,
        response: { 200: reportSubscriptionSchema },
      },
    },
    async (request) =>
      updateReportSubscription(tenantOf(request), {
        id: requireId(request.params.id, what),
        patch: request.body,
      }),
  );

  app.delete(
    '/report-subscriptions/:id',
    { onRequest: admin, schema: { tags, params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await deleteReportSubscription(tenantOf(request), requireId(request.params.id, what));
      return reply.code(204).send(null);
    },
  );
};
