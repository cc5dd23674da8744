import { z } from 'zod';
import { isoTime } from './common';

export const MAX_BULK_IDS = 200;
export const bulkActions = ['pause', 'resume', 'delete'] as const;

export const bulkBody = z.object({
  action: z.enum(bulkActions),
  ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_BULK_IDS).describe('monitor ids, at most 200'),
});

export const bulkOutcomes = ['paused', 'resumed', 'deleted', 'unchanged', 'not_found', 'failed'] as const;

export const bulkResponse = z.object({
  action: z.enum(bulkActions),
  results: z.array(
    z.object({
      id: z.string(),
      outcome: z.enum(bulkOutcomes),
      error: z.string().nullable().describe('why the action failed for this monitor; null otherwise'),
    }),
  ),
});

export const checkNowResponse = z.object({
  monitorId: z.string(),
  scheduledAt: isoTime.describe('the slot run now: the monitor’s next scheduled check, taken early'),
  regions: z.array(z.string()),
  status: z
    .enum(['queued', 'checked'])
    .describe('queued: its jobs are queued to run at once; checked: every region has reported that slot'),
});

export const MAX_RECENT_CHECKS = 50;

export const recentChecksQuery = z.object({
  ids: z
    .string()
    .min(1)
    .max(MAX_BULK_IDS * 37)
    .describe('comma-separated monitor ids, at most 200'),
  limit: z.coerce.number().int().min(1).max(MAX_RECENT_CHECKS).default(30),
});

export const recentChecksResponse = z.object({
  items: z.array(
    z.object({
      monitorId: z.string(),
      checks: z
        .array(
          z.object({
            scheduledAt: isoTime,
            ok: z.boolean().describe('every region that reported the slot succeeded'),
            failedRegions: z.number().int(),
            regions: z.number().int(),
            latencyMs: z.number().nullable(),
          }),
        )
        .describe('scheduled slots, oldest first'),
      certExpiresAt: isoTime.nullable().describe('expiry of the certificate the latest TLS check saw'),
    }),
  ),
});
