import { z } from 'zod';
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

export const reportResponse = z.any().describe('the report as JSON, text/csv or application/pdf');
