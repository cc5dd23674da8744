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

export const reportQuery = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
      .optional()
      .describe('a calendar month in UTC, YYYY-MM'),
    from: instant.optional().describe('start of a custom range (at most 90 days)'),
    to: instant.optional().describe('end of a custom range; now when left out'),
    format: z.enum(['json', 'csv', 'pdf']).default('json'),
  })
  .superRefine((query, ctx) => {
    if ((query.month === undefined) === (query.from === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['month'], message: 'give either month or from/to' });
    }
    if (query.to !== undefined && query.from === undefined) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'required with to' });
    }
  });

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
