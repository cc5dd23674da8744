import { z } from 'zod';

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 time');

export const MAX_WINDOW_DAYS = 31;

/** What is wrong with a window from `startsAt` to `endsAt` (a problem of `endsAt`), or null. */
export function windowSpanProblem(startsAt: string, endsAt: string): string | null {
  const span = Date.parse(endsAt) - Date.parse(startsAt);
  if (span <= 0) return 'must be after the start';
  if (span > MAX_WINDOW_DAYS * 86_400_000) return `a window lasts at most ${MAX_WINDOW_DAYS} days`;
  return null;
}

/** The fields of a maintenance window as POST /v1/maintenance-windows takes them. */
export const maintenanceWindowFields = {
  name: z.string().trim().min(1).max(200),
  monitorIds: z.array(z.string()).min(1).max(500),
  startsAt: instant,
  endsAt: instant,
};

type Span = { startsAt?: string | undefined; endsAt?: string | undefined };

const isInstant = (value: unknown) => typeof value === 'string' && instant.safeParse(value).success;

/** Judges the span whenever both times are given and valid, even when other fields fail: every problem at once. */
export const windowSpanRule = [
  (w: Span, ctx: z.RefinementCtx) => {
    if (w.startsAt === undefined || w.endsAt === undefined) return;
    const problem = windowSpanProblem(w.startsAt, w.endsAt);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['endsAt'] });
  },
  {
    when: (payload: z.core.ParsePayload) => {
      const w = payload.value as Span | null;
      return typeof w === 'object' && w !== null && isInstant(w.startsAt) && isInstant(w.endsAt);
    },
  },
] as const;
