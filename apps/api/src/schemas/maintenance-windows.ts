import {
  maintenanceWindowFields as fields,
  requireOneOffEnd,
  windowSpanRule as spanRule,
} from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields, readBackFields } from './common';

export const createMaintenanceWindowBody = z
  .strictObject(fields)
  .superRefine(...spanRule)
  .superRefine(...requireOneOffEnd);

/** Any subset; the window it leaves is judged as a whole again. */
export const patchMaintenanceWindowBody = z
  .strictObject(fields)
  .partial()
  .extend(readBackFields)
  .superRefine(...spanRule);

export const maintenanceWindowSchema = z.object({
  id: z.string(),
  name: z.string(),
  monitorIds: z.array(z.string()),
  startsAt: isoTime.describe('a one-off window starts here; a recurring series has no occurrence before it'),
  endsAt: isoTime.nullable().describe('null only for a recurring series without an end'),
  recurrence: z
    .object({ rrule: z.string(), timeZone: z.string(), durationMinutes: z.number().int() })
    .nullable()
    .describe('null for a one-off window'),
  nextOccurrences: z
    .array(z.object({ startsAt: isoTime, endsAt: isoTime }))
    .describe(
      'the running occurrence first, then the next ones within a year of now or of the series start (at most 5); a one-off window is its own',
    ),
  status: z.enum(['scheduled', 'active', 'ended']).describe('relative to now'),
  createdAt: isoTime,
  updatedAt: isoTime,
  ...managedFields,
});

export const listMaintenanceWindowsQuery = z.object({
  monitorId: z.uuid().optional(),
  key: keyQuery,
  limit: limitQuery,
  cursor: cursorQuery,
});

export { MAX_WINDOW_DAYS, windowSpanProblem } from '@sentinelmesh/core';

export type CreateMaintenanceWindow = z.infer<typeof createMaintenanceWindowBody>;
export type PatchMaintenanceWindow = z.infer<typeof patchMaintenanceWindowBody>;
