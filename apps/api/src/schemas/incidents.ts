import { z } from 'zod';
import { cursorQuery, isoTime, limitQuery } from './common';
import { checkResultSchema } from './monitors';

export const incidentSchema = z.object({
  id: z.string(),
  monitorId: z.string(),
  status: z.enum(['open', 'resolved']),
  openedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  cause: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
});

export const alertSchema = z.object({
  id: z.string(),
  incidentId: z.string().nullable(),
  channelId: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  attemptLog: z
    .array(
      z.object({
        attemptedAt: isoTime,
        ok: z.boolean(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
        durationMs: z.number().int(),
      }),
    )
    .describe('every delivery attempt, oldest first'),
});

export const incidentDetailSchema = incidentSchema.extend({
  timeline: z.object({
    results: z
      .array(checkResultSchema)
      .describe('checks inside the incident window, oldest first (at most 500)'),
    alerts: z.array(alertSchema).describe('alerts of the incident, oldest first'),
  }),
});

export const listIncidentsQuery = z.object({
  monitorId: z.uuid().optional(),
  status: z.enum(['open', 'resolved']).optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

export const listAlertsQuery = z.object({
  incidentId: z.uuid().optional(),
  monitorId: z.uuid().optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});
