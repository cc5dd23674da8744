import { z } from 'zod';
import { instant } from './stats';

export const exportFormats = ['csv', 'ndjson'] as const;

export const exportQuery = z.object({
  from: instant.describe('start of the range (inclusive)'),
  to: instant.optional().describe('end of the range (exclusive); now when left out'),
  format: z.enum(exportFormats).default('csv').describe('csv (RFC 4180, with a header) or ndjson'),
});

export const exportResponse = z.any().describe('text/csv or application/x-ndjson, streamed');
