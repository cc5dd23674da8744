import { z } from 'zod';
import { isoTime } from './common';
import { instant } from './stats';

export const exportFormats = ['csv', 'ndjson'] as const;

export const exportQuery = z.object({
  from: instant.describe('start of the range (inclusive)'),
  to: instant.optional().describe('end of the range (exclusive); now when left out'),
  format: z.enum(exportFormats).default('csv').describe('csv (RFC 4180, with a header) or ndjson'),
});

export const exportResponse = z.any().describe('text/csv or application/x-ndjson, streamed');

const rangeFields = {
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
    .optional()
    .describe('a calendar month in UTC, YYYY-MM'),
  from: instant.optional().describe('start of a custom range (at most 90 days)'),
  to: instant.optional().describe('end of a custom range; now when left out'),
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
};

const rangeRule = (
  query: { month?: string | undefined; from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if ((query.month === undefined) === (query.from === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['month'], message: 'give either month or from/to' });
  }
  if (query.to !== undefined && query.from === undefined) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'required with to' });
  }
};

export const reportQuery = z.object(rangeFields).superRefine(rangeRule);

const UUID_LIST = /^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,199}$/;

export const organizationReportQuery = z
  .object({
    ...rangeFields,
    monitorIds: z
      .string()
      .regex(UUID_LIST, 'must be up to 200 monitor ids, separated by commas')
      .optional()
      .describe("only these monitors (comma-separated ids); all of the organization's when left out"),
  })
  .superRefine(rangeRule);

export const componentReportParams = z.object({ id: z.string(), cid: z.string().describe('the component') });

const ms = z.number().nullable();

export const reportSchema = z
  .object({
    monitor: z.object({ id: z.string(), name: z.string() }),
    from: isoTime,
    to: isoTime,
    uptimePercent: z
      .number()
      .nullable()
      .describe('as the stats API: maintenance excluded; null without data'),
    checks: z.number().int(),
    failedChecks: z.number().int(),
    downtimeSeconds: z.number(),
    measuredSeconds: z.number(),
    latencyMs: z.object({ p50: ms, p95: ms, p99: ms }),
    mttrSeconds: z.number().nullable().describe('mean duration of the resolved incidents; null without one'),
    incidents: z.array(
      z.object({
        id: z.string(),
        openedAt: isoTime,
        resolvedAt: isoTime.nullable(),
        durationSeconds: z.number().describe('until the end of the range while open'),
      }),
    ),
  })
  .describe('the report; format=csv answers text/csv and format=pdf application/pdf instead');

const figures = {
  uptimePercent: z.number().nullable(),
  checks: z.number().int(),
  failedChecks: z.number().int(),
  downtimeSeconds: z.number(),
  measuredSeconds: z.number(),
  latencyMs: z.object({ p50: ms, p95: ms, p99: ms }),
  mttrSeconds: z.number().nullable(),
};

export const groupReportSchema = z
  .object({
    scope: z.enum(['component', 'organization']),
    subject: z.object({ id: z.string(), name: z.string() }).describe('the component or the organization'),
    from: isoTime,
    to: isoTime,
    ...figures,
    uptimePercent: z
      .number()
      .nullable()
      .describe(
        'time-weighted: down while any monitor is down outside its own maintenance, over the time at least one has data outside its maintenance',
      ),
    latencyMs: z
      .object({ p50: ms, p95: ms, p99: ms })
      .describe("nearest-rank percentiles over all the monitors' scheduled checks together"),
    mttrSeconds: z
      .number()
      .nullable()
      .describe('mean duration of the resolved incidents of all the monitors'),
    incidents: z.array(
      z.object({
        id: z.string(),
        monitorId: z.string(),
        monitor: z.string(),
        openedAt: isoTime,
        resolvedAt: isoTime.nullable(),
        durationSeconds: z.number().describe('until the end of the range while open'),
      }),
    ),
    monitors: z
      .array(z.object({ id: z.string(), name: z.string(), ...figures, incidents: z.number().int() }))
      .describe("each monitor's own figures: what its stats and report answer for the range"),
  })
  .describe('the report; format=csv answers text/csv and format=pdf application/pdf instead');

export const reportableComponentsSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      statusPageId: z.string(),
      statusPage: z.string().describe("the page's title"),
      monitors: z.number().int().describe('monitors shown under the component'),
    }),
  ),
});
