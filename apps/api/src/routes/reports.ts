import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { buildSlaReport, slaCsv, slaPdf } from '../reports/sla';
import { idParams } from '../schemas/common';
import { reportQuery, reportSchema } from '../schemas/reports';
import { monitorStats } from '../services/stats';

/** A calendar month of UTC as a stats range. */
function monthRange(month: string) {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(year, index - 1, 1)).toISOString(),
    to: new Date(Date.UTC(year, index, 1)).toISOString(),
  };
}

export const reportRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  app.get(
    '/monitors/:id/report',
    {
      onRequest: app.requireRole('viewer'),
      schema: {
        tags: ['reports'],
        summary: "A monitor's SLA report for a month or a range",
        produces: ['application/json', 'text/csv', 'application/pdf'],
        params: idParams,
        querystring: reportQuery,
        response: { 200: reportSchema },
      },
    },
    async (request, reply) => {
      const ctx = tenantOf(request);
      const monitorId = requireId(request.params.id, 'monitor');
      const { month, from, to, format } = request.query;
      // The stats API's own computation, so the report agrees with it exactly.
      const stats = await monitorStats(ctx, {
        monitorId,
        range: month !== undefined ? monthRange(month) : { from: from ?? '', to },
      });
      const monitor = await ctx.db
        .selectFrom('monitors')
        .select(['id', 'name'])
        .where('id', '=', monitorId)
        .executeTakeFirstOrThrow();
      const report = buildSlaReport(monitor, stats);
      if (format === 'json') return report;
      const name = `sla-${monitorId}-${month ?? stats.from.slice(0, 10)}`;
      reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
      // Text and bytes pass the JSON serializer by; the schema types the JSON answer only.
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(slaCsv(report) as never);
      return reply.type('application/pdf').send((await slaPdf(report)) as never);
    },
  );
};
