import { z } from 'zod';
import { cursorQuery, isoTime, limitQuery } from './common';

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 time');

export const MAX_WINDOW_DAYS = 31;

export const createMaintenanceWindowBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    monitorIds: z.array(z.string()).min(1).max(500),
    startsAt: instant,
    endsAt: instant,
  })
  .superRefine((w, ctx) => {
    const span = Date.parse(w.endsAt) - Date.parse(w.startsAt);
    if (span <= 0) ctx.addIssue({ code: 'custom', message: 'must be after startsAt', path: ['endsAt'] });
    else if (span > MAX_WINDOW_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        message: `a window lasts at most ${MAX_WINDOW_DAYS} days`,
        path: ['endsAt'],
      });
    }
  });

export const maintenanceWindowSchema = z.object({
  id: z.string(),
  name: z.string(),
  monitorIds: z.array(z.string()),
  startsAt: isoTime,
  endsAt: isoTime,
  status: z.enum(['scheduled', 'active', 'ended']).describe('relative to now'),
  createdAt: isoTime,
});

export const listMaintenanceWindowsQuery = z.object({
  monitorId: z.uuid().optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

export type CreateMaintenanceWindow = z.infer<typeof createMaintenanceWindowBody>;
