import { MAX_ROTATION_MEMBERS, rotationFields, weekdayRule } from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields } from './common';

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 time');

export { MAX_ROTATION_MEMBERS, weekdayProblem } from '@sentinelmesh/core';
export const MAX_OVERRIDE_DAYS = 366;
export const MAX_SCHEDULE_DAYS = 92;

const fields = {
  ...rotationFields,
  memberIds: z
    .array(z.string())
    .min(1)
    .max(MAX_ROTATION_MEMBERS)
    .describe('user ids of members of the organization, in turn order'),
};

export const createRotationBody = z
  .strictObject({ ...fields, handoffWeekday: fields.handoffWeekday.optional() })
  .superRefine(weekdayRule);

/** Any subset; the rotation it leaves is judged as a whole again. */
export const patchRotationBody = z.strictObject(fields).partial();

export const onCallSchema = z
  .object({
    userId: z.string(),
    shiftStart: isoTime,
    shiftEnd: isoTime.describe('the next handoff'),
    overrideId: z.string().nullable().describe('the override that put them on call, if one did'),
  })
  .describe('who is on call, and the stretch of their turn');

export const rotationSchema = z.object({
  id: z.string(),
  name: z.string(),
  cadence: z.enum(['daily', 'weekly']),
  handoffTime: z.string().describe('HH:MM, or HH:MM:SS when the seconds are not 00'),
  handoffWeekday: z.number().int().nullable(),
  timeZone: z.string(),
  startsAt: isoTime,
  memberIds: z.array(z.string()),
  onCall: onCallSchema.nullable().describe('now, by the database clock; null before the rotation starts'),
  createdAt: isoTime,
  updatedAt: isoTime,
  ...managedFields,
});

export const createOverrideBody = z
  .strictObject({
    userId: z.string().describe('a member of the organization'),
    startsAt: instant,
    endsAt: instant,
  })
  .superRefine((o, ctx) => {
    const span = Date.parse(o.endsAt) - Date.parse(o.startsAt);
    if (span <= 0) ctx.addIssue({ code: 'custom', message: 'must be after the start', path: ['endsAt'] });
    if (span > MAX_OVERRIDE_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        message: `an override lasts at most ${MAX_OVERRIDE_DAYS} days`,
        path: ['endsAt'],
      });
    }
  });

export const overrideSchema = z.object({
  id: z.string(),
  rotationId: z.string(),
  userId: z.string(),
  startsAt: isoTime,
  endsAt: isoTime,
  createdAt: isoTime,
});

export const overrideParams = z.object({ id: z.string(), overrideId: z.string() });

export const listRotationsQuery = z.object({ key: keyQuery, limit: limitQuery, cursor: cursorQuery });

export const scheduleQuery = z.object({
  from: instant.optional().describe('default: now'),
  to: instant
    .optional()
    .describe(`default: 14 days after \`from\`; at most ${MAX_SCHEDULE_DAYS} days after it`),
});

export const scheduleSchema = z.object({
  from: isoTime,
  to: isoTime,
  now: isoTime.describe('the database clock when the schedule was read'),
  shifts: z
    .array(onCallSchema)
    .describe('in order, each ending where the next starts unless nobody is on call between them'),
});

export type CreateRotation = z.infer<typeof createRotationBody>;
export type PatchRotation = z.infer<typeof patchRotationBody>;
export type CreateOverride = z.infer<typeof createOverrideBody>;
