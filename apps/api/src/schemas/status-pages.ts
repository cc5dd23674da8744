import {
  MAX_STATUS_PAGE_MONITORS,
  monitorStatuses,
  shownStates,
  statusPageSlug,
  statusPageTitle,
} from '@sentinelmesh/core';
import { z } from 'zod';
import { isoTime, managedFields, readBackFields } from './common';
import {
  publicBrandingSchema,
  publicComponentsSchema,
  statusPageExtrasBody,
  statusPageExtrasView,
} from './status-page-extras';
import { publicPageIncidentSchema } from './status-page-incidents';
import { publicPageMaintenanceSchema } from './status-page-maintenance';

const slug = statusPageSlug;
const title = statusPageTitle;

export const createStatusPageBody = z.strictObject({
  slug,
  title,
  monitorIds: z.array(z.string()).max(MAX_STATUS_PAGE_MONITORS).default([]),
  ...statusPageExtrasBody,
});

export const patchStatusPageBody = z.strictObject({
  slug: slug.optional(),
  title: title.optional(),
  monitorIds: z.array(z.string()).max(MAX_STATUS_PAGE_MONITORS).optional(),
  ...readBackFields,
  ...statusPageExtrasBody,
});

export const statusPageSchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  monitorIds: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
  ...managedFields,
  ...statusPageExtrasView,
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
      state: z
        .enum(shownStates)
        .describe('shown state: degraded for flapping, or up but slow or failing in a minority of regions'),
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
  incidents: z.array(publicPageIncidentSchema).describe('open incidents posted on the page, newest first'),
  components: publicComponentsSchema,
  branding: publicBrandingSchema,
  maintenance: publicPageMaintenanceSchema,
});
