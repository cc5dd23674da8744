import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { principalOf } from '../plugins/auth';
import { type ExportFormat, exportIncidents, exportResults } from '../reports/export';
import { idParams } from '../schemas/common';
import { exportQuery, exportResponse } from '../schemas/reports';

const tags = ['reports'];
const produces = ['text/csv', 'application/x-ndjson'];

/** Streams the rows to the client; a slow reader slows the database reads down (backpressure). */
function sendExport(reply: FastifyReply, rows: AsyncGenerator<string>, format: ExportFormat, name: string) {
  return reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.${format === 'csv' ? 'csv' : 'ndjson'}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(rows, { objectMode: false, highWaterMark: 1 }));
}

export const exportRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const read = app.requireRole('viewer');
  // No request-long transaction: each page of the stream reads in its own short tenant transaction.
  const config = { tenantTransaction: false };

  app.get(
    '/monitors/:id/results/export',
    {
      onRequest: read,
      config,
      schema: {
        tags,
        summary: "Export a monitor's check results of a range",
        produces,
        params: idParams,
        querystring: exportQuery,
        response: { 200: exportResponse },
      },
    },
    async (request, reply) => {
      const monitorId = requireId(request.params.id, 'monitor');
      const rows = await exportResults(ctx, {
        ...request.query,
        orgId: principalOf(request).orgId,
        monitorId,
      });
      return sendExport(reply, rows, request.query.format, `results-${monitorId}`);
    },
  );

  app.get(
    '/incidents/export',
    {
      onRequest: read,
      config,
      schema: {
        tags,
        summary: 'Export the incidents opened in a range',
        produces,
        querystring: exportQuery,
        response: { 200: exportResponse },
      },
    },
    async (request, reply) => {
      const rows = await exportIncidents(ctx, { ...request.query, orgId: principalOf(request).orgId });
      return sendExport(reply, rows, request.query.format, 'incidents');
    },
  );
};
