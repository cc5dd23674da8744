import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../context';
import { requireId } from '../http/ids';
import { tenantOf } from '../plugins/tenant';
import { type GroupSlaReport, groupCsv, groupPdf } from '../reports/group';
import { monthRange } from '../reports/months';
import { type SlaReport, slaCsv, slaPdf } from '../reports/sla';
import { idParams } from '../schemas/common';
import {
  componentReportParams,
  groupReportSchema,
  organizationReportQuery,
  reportableComponentsSchema,
  reportQuery,
  reportSchema,
} from '../schemas/reports';
import {
  componentReport,
  monitorReport,
  organizationReport,
  reportableComponents,
} from '../services/sla-reports';

type ReportFormat = 'json' | 'csv' | 'pdf';

const tags = ['reports'];
const produces = ['application/json', 'text/csv', 'application/pdf'];

/** The query's month or custom range, as the stats API takes it. */
const rangeOf = (query: {
  month?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}) => (query.month !== undefined ? monthRange(query.month) : { from: query.from ?? '', to: query.to });

/** Answers the report as JSON, or as a CSV or PDF attachment named after it. */
async function sendReport<R extends SlaReport | GroupSlaReport>(
  reply: FastifyReply,
  report: R,
  format: ReportFormat,
  name: string,
  render: { csv: (report: R) => string; pdf: (report: R) => Promise<Buffer> },
) {
  if (format === 'json') return report;
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  // Text and bytes pass the JSON serializer by; the schema types the JSON answer only.
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(render.csv(report) as never);
  return reply.type('application/pdf').send((await render.pdf(report)) as never);
}

const monitorRender = { csv: slaCsv, pdf: slaPdf };
const groupRender = { csv: groupCsv, pdf: groupPdf };

export const reportRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app) => {
  const read = app.requireRole('viewer');

  app.get(
    '/monitors/:id/report',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "A monitor's SLA report for a month or a range",
        produces,
        params: idParams,
        querystring: reportQuery,
        response: { 200: reportSchema },
      },
    },
    async (request, reply) => {
      const monitorId = requireId(request.params.id, 'monitor');
      const { month, format } = request.query;
      // The stats API's own computation, so the report agrees with it exactly.
      const report = await monitorReport(tenantOf(request), { monitorId, range: rangeOf(request.query) });
      const name = `sla-${monitorId}-${month ?? report.from.slice(0, 10)}`;
      return sendReport(reply, report, format, name, monitorRender);
    },
  );

  app.get(
    '/reports/organization',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "The organization's SLA report (all monitors or chosen ones) for a month or a range",
        produces,
        querystring: organizationReportQuery,
        response: { 200: groupReportSchema },
      },
    },
    async (request, reply) => {
      const { month, format, monitorIds } = request.query;
      const report = await organizationReport(tenantOf(request), {
        monitorIds: monitorIds?.split(',').map((id) => requireId(id, 'monitor')),
        range: rangeOf(request.query),
      });
      return sendReport(
        reply,
        report,
        format,
        `sla-organization-${month ?? report.from.slice(0, 10)}`,
        groupRender,
      );
    },
  );

  app.get(
    '/status-pages/:id/components/:cid/report',
    {
      onRequest: read,
      schema: {
        tags,
        summary: "A status page component's SLA report for a month or a range",
        produces,
        params: componentReportParams,
        querystring: reportQuery,
        response: { 200: groupReportSchema },
      },
    },
    async (request, reply) => {
      const componentId = requireId(request.params.cid, 'component');
      const { month, format } = request.query;
      const report = await componentReport(tenantOf(request), {
        statusPageId: requireId(request.params.id, 'status page'),
        componentId,
        range: rangeOf(request.query),
      });
      const name = `sla-component-${componentId}-${month ?? report.from.slice(0, 10)}`;
      return sendReport(reply, report, format, name, groupRender);
    },
  );

  app.get(
    '/reports/components',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'The status page components that can be reported on, with their pages',
        response: { 200: reportableComponentsSchema },
      },
    },
    async (request) => reportableComponents(tenantOf(request)),
  );
};
