import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { idParams } from '../schemas/common';
import { statsQuery, statsSchema } from '../schemas/stats';
import { monitorStats } from '../services/stats';

export const statsRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
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
    async (request) =>
      monitorStats(tenantOf(request), {
        monitorId: requireId(request.params.id, 'monitor'),
        range:
          request.query.from !== undefined
            ? { from: request.query.from, to: request.query.to }
            : { window: request.query.window ?? '24h' },
        points: request.query.points === 'true',
      }),
  );
};
