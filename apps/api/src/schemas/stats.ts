import { z } from 'zod';
import { MAX_RANGE_MS, RAW_POINTS_LIMIT, statsWindows } from '../stats/windows';
import { isoTime } from './common';

export const instant = z
  .string()
  .refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO 8601 time')
  .describe('ISO 8601 time');

export const statsQuery = z
  .object({
    window: z
      .enum(statsWindows)
      .optional()
      .describe('a window ending now; 24h when neither it nor from is given'),
    from: instant.optional().describe(`start of a custom range (at most ${MAX_RANGE_MS / 86_400_000} days)`),
    to: instant.optional().describe('end of a custom range; now when left out'),
    points: z
      .enum(['true', 'false'])
      .default('false')
      .describe('also answer each check of a range up to 24 hours'),
  })
  .superRefine((query, ctx) => {
    if (query.window !== undefined && (query.from !== undefined || query.to !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'give either window or from/to, not both' });
    }
    if (query.to !== undefined && query.from === undefined) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'required with to' });
    }
  });

const ms = z.number().nullable().describe('milliseconds; null without data');

export const statsSchema = z.object({
  window: z.enum([...statsWindows, 'custom']),
  from: isoTime.describe('start of the range'),
  to: isoTime.describe('end of the range (now for a named window)'),
  uptimePercent: z
    .number()
    .nullable()
    .describe(
      'share of the time with data (checked or inside an incident), maintenance excluded, not inside a down incident; null without data',
    ),
  checks: z.number().int().describe('scheduled checks in the window'),
  failedChecks: z.number().int(),
  incidents: z.number().int().describe('incidents overlapping the window'),
  downtimeSeconds: z.number(),
  measuredSeconds: z.number().describe('the time with data that uptime is a share of'),
  latencyMs: z
    .object({ p50: ms, p95: ms, p99: ms })
    .describe('nearest-rank percentiles of scheduled checks, rounded down to buckets at most 12.5% wide'),
  series: z.array(
    z.object({
      at: isoTime,
      uptimePercent: z.number().nullable().describe('null without data'),
      p50: ms,
      p95: ms,
      checks: z.number().int(),
      failedChecks: z.number().int(),
    }),
  ),
  incidentSpans: z
    .array(z.object({ id: z.string(), openedAt: isoTime, resolvedAt: isoTime.nullable() }))
    .describe('down incidents overlapping the range; an open one has resolvedAt null and lasts until now'),
  points: z
    .array(
      z.object({
        at: isoTime.describe('when the check ran'),
        region: z.string(),
        kind: z.enum(['scheduled', 'confirmation']),
        ok: z.boolean(),
        latencyMs: ms,
      }),
    )
    .nullable()
    .describe(
      `each check of a range up to 24 hours when asked (points=true), oldest first; null otherwise, for longer ranges or over ${RAW_POINTS_LIMIT} checks`,
    ),
});
