import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { tenantOf } from '../plugins/tenant';
import { probeMetrics } from '../reports/probe-metrics';

export const probeMetricsRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  app.get(
    '/metrics',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['reports'],
        summary: "The organization's probe series for Prometheus",
        description:
          'Prometheus text exposition (0.0.4) in blackbox-exporter names, from the newest result of each ' +
          'monitor in each region. Scrape it with an API key of role viewer as the bearer token.',
        produces: ['text/plain'],
        response: { 200: z.any().describe('text/plain; version=0.0.4: the probe series') },
      },
    },
    async (request, reply) =>
      reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(await probeMetrics(tenantOf(request))),
  );
};
