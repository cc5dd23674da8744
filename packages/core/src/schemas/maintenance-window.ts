import { z } from 'zod';
import { MAX_OCCURRENCE_MINUTES, type Recurrence, recurrenceProblems } from '../maintenance/recurrence';

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 time');

export const MAX_WINDOW_DAYS = 31;

/**
 * What is wrong with a window from `startsAt` to `endsAt` (a problem of `endsAt`), or null. A
 * recurring window's span is its series, which may last as long as wanted.
 */
export function windowSpanProblem(startsAt: string, endsAt: string, recurring = false): string | null {
  const span = Date.parse(endsAt) - Date.parse(startsAt);
  if (span <= 0) return 'must be after the start';
  if (!recurring && span > MAX_WINDOW_DAYS * 86_400_000)
    return `a window lasts at most ${MAX_WINDOW_DAYS} days`;
  return null;
}

/** How a window repeats (ADR 0042). */
export const recurrenceSchema = z
  .strictObject({
    rrule: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe(
        'An RFC 5545 RRULE, FREQ HOURLY or longer (e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2); times of day it does not name are 00:00, days it does not name come from startsAt',
      ),
    timeZone: z.string().min(1).max(100).describe('IANA time zone the rule reads its wall clock in'),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_OCCURRENCE_MINUTES)
      .describe('length of each occurrence'),
  })
  .describe('Makes the window recur; startsAt and endsAt then bound the series (endsAt optional)');

/** The fields of a maintenance window as POST /v1/maintenance-windows takes them. */
export const maintenanceWindowFields = {
  name: z.string().trim().min(1).max(200),
  monitorIds: z.array(z.string()).min(1).max(500),
  startsAt: instant,
  endsAt: instant
    .nullable()
    .optional()
    .describe('required for a one-off window; a recurring series without it (or with null) never ends'),
  recurrence: recurrenceSchema.nullable().optional(),
};

type Span = {
  startsAt?: string | undefined;
  endsAt?: string | null | undefined;
  recurrence?: Recurrence | null | undefined;
};

const isInstant = (value: unknown) => typeof value === 'string' && instant.safeParse(value).success;
const isRecurrence = (value: unknown) => recurrenceSchema.safeParse(value).success;

/**
 * Judges the span and the rule whenever what they need is given and valid, even when other fields
 * fail: every problem at once.
 */
export const windowSpanRule = [
  (w: Span, ctx: z.RefinementCtx) => {
    const recurring = w.recurrence != null;
    if (w.startsAt !== undefined && typeof w.endsAt === 'string' && isInstant(w.endsAt)) {
      const problem = windowSpanProblem(w.startsAt, w.endsAt, recurring);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['endsAt'] });
    }
    if (w.recurrence && isRecurrence(w.recurrence)) {
      for (const p of recurrenceProblems(w.recurrence, w.startsAt ? Date.parse(w.startsAt) : undefined)) {
        ctx.addIssue({ code: 'custom', message: p.message, path: p.path.split('.') });
      }
    }
  },
  {
    when: (payload: z.core.ParsePayload) => {
      const w = payload.value as Span | null;
      return typeof w === 'object' && w !== null && (w.startsAt === undefined || isInstant(w.startsAt));
    },
  },
] as const;

/** A whole window (not a patch): a one-off one needs its end. */
export const requireOneOffEnd = [
  (w: Span, ctx: z.RefinementCtx) => {
    if (w.recurrence == null && w.endsAt == null) {
      ctx.addIssue({ code: 'custom', message: 'required unless the window recurs', path: ['endsAt'] });
    }
  },
  { when: (payload: z.core.ParsePayload) => typeof payload.value === 'object' && payload.value !== null },
] as const;
