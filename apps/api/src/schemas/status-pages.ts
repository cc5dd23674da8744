import { monitorStatuses } from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime } from './common';

const slug = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const createStatusPageBody = z.strictObject({
  slug,
  title: z.string().trim().min(1).max(200),
  monitorIds: z.array(z.string()).max(100).default([]),
});

export const patchStatusPageBody = z.strictObject({
  slug: slug.optional(),
  title: z.string().trim().min(1).max(200).optional(),
  monitorIds: z.array(z.string()).max(100).optional(),
});

export const statusPageSchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  monitorIds: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const slugParams = z.object({ slug: z.string().max(64) });

export const publicStatusPageSchema = z.object({
  slug: z.string(),
  title: z.string(),
  status: z.enum(['operational', 'degraded', 'down']).describe('down when any monitor is down'),
  monitors: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(monitorStatuses),
      uptimePercent: z
        .number()
        .nullable()
        .describe(
          'uptime over the 90 days counting only time with data, as the stats API defines it; null without data',
        ),
      dataSince: isoTime.nullable().describe('where the data of the 90 days begins; null without data'),
      uptime90d: z
        .array(
          z.object({
            date: z.string().describe('UTC day, YYYY-MM-DD'),
            uptimePercent: z.number().nullable(),
          }),
        )
        .describe(
          'oldest first; null for a day without data (before the first check, gaps, all maintenance)',
        ),
    }),
  ),
});
