import { z } from 'zod';
import { statsWindows } from '../stats/windows';
import { isoTime } from './common';

export const statsQuery = z.object({ window: z.enum(statsWindows).default('24h') });

const ms = z.number().nullable().describe('milliseconds; null without data');

export const statsSchema = z.object({
  window: z.enum(statsWindows),
  uptimePercent: z
    .number()
    .nullable()
    .describe(
      'share of the window (since the monitor exists, maintenance excluded) not inside a down incident',
    ),
  checks: z.number().int().describe('scheduled checks in the window'),
  failedChecks: z.number().int(),
  incidents: z.number().int().describe('incidents overlapping the window'),
  downtimeSeconds: z.number(),
  latencyMs: z
    .object({ p50: ms, p95: ms, p99: ms })
    .describe('nearest-rank percentiles of scheduled checks, rounded down to buckets at most 12.5% wide'),
  series: z.array(z.object({ at: isoTime, uptimePercent: z.number().nullable(), p50: ms, p95: ms })),
});
