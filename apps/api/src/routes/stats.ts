import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { withTenant } from '../db/tenant';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { idParams } from '../schemas/common';
import { statsQuery, statsSchema } from '../schemas/stats';
import { monitorStats } from '../services/stats';

export const statsRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/monitors/:id/stats',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['monitors'],
        summary: 'Statistics of a monitor',
        params: idParams,
        querystring: statsQuery,
        response: { 200: statsSchema },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const id = requireId(request.params.id, 'monitor');
      return withTenant(ctx.db, orgId, (db) =>
        monitorStats(db, orgId, id, request.query.window, ctx.clock.now()),
      );
    },
  );
};
