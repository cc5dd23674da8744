import { z } from 'zod';
import { escalationStepSchema, MAX_ESCALATION_MINUTES } from './escalation';
import { canonicalHandoffTime, HANDOFF_TIME } from './rotation';
import { isTimeZone } from './zoned-time';

export const MAX_ROTATION_MEMBERS = 50;

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 time');

/** The fields of an on-call rotation as POST /v1/oncall-rotations takes them, members aside. */
export const rotationFields = {
  name: z.string().trim().min(1).max(100),
  cadence: z.enum(['daily', 'weekly']).describe('a handoff every day, or every week on `handoffWeekday`'),
  handoffTime: z
    .string()
    .regex(HANDOFF_TIME, 'must be HH:MM or HH:MM:SS, 24-hour (e.g. 09:00)')
    .overwrite(canonicalHandoffTime)
    .describe('HH:MM or HH:MM:SS on the wall clock of `timeZone`; returned as HH:MM when the seconds are 00'),
  handoffWeekday: z
    .number()
    .int()
    .min(0)
    .max(6)
    .nullable()
    .describe('0 = Sunday .. 6 = Saturday; required for weekly rotations, null for daily ones'),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
    .describe('IANA time zone of the handoff time; DST changes are followed'),
  startsAt: instant.describe('the first shift starts here and lasts until the first handoff after it'),
};

type Cadence = { cadence?: 'daily' | 'weekly' | undefined; handoffWeekday?: number | null | undefined };

/** What is wrong with the weekday of a rotation of `cadence`, or null. */
export function weekdayProblem(r: Required<Cadence>): string | null {
  if (r.cadence === 'weekly' && r.handoffWeekday === null)
    return 'a weekly rotation needs a weekday (0 = Sunday)';
  if (r.cadence === 'daily' && r.handoffWeekday !== null) return 'only weekly rotations have a weekday';
  return null;
}

/** The weekday rule as a refinement of a whole rotation (a missing weekday counts as none). */
export function weekdayRule(r: Cadence & { cadence: 'daily' | 'weekly' }, ctx: z.RefinementCtx) {
  const problem = weekdayProblem({ cadence: r.cadence, handoffWeekday: r.handoffWeekday ?? null });
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['handoffWeekday'] });
}

/** The fields of an escalation policy as POST /v1/escalation-policies takes them, steps aside. */
export const escalationPolicyFields = {
  name: z.string().trim().min(1).max(100),
  repeat: z
    .number()
    .int()
    .min(0)
    .max(20)
    .describe('how many more times the steps run after the last one (its wait first); default 0'),
  reminderMinutes: z
    .number()
    .int()
    .min(1)
    .max(MAX_ESCALATION_MINUTES)
    .nullable()
    .describe('"still down" reminders to everyone notified, every N minutes until acknowledged; null: none'),
};

const STEPS_DESCRIPTION = 'in order: step 0 fires with the DOWN alert, each next one after the previous wait';

/** A policy's steps, `step` being how one step is written (ids in the API, keys in a file). */
export const escalationSteps = <T extends z.ZodType>(step: T) =>
  z.array(step).min(1).max(10).describe(STEPS_DESCRIPTION);

export const escalationPolicyStepsSchema = escalationSteps(escalationStepSchema);
