import { maintenanceWindowFields as fields, windowSpanRule as spanRule } from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields, readBackFields } from './common';

export const createMaintenanceWindowBody = z.strictObject(fields).superRefine(...spanRule);

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
  startsAt: isoTime,
  endsAt: isoTime,
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
