import { z } from 'zod';
import { escalationStepSchema } from '../oncall/escalation';
import {
  escalationPolicyFields,
  escalationSteps,
  MAX_ROTATION_MEMBERS,
  rotationFields,
  weekdayRule,
} from '../oncall/schemas';
import { resourceKey } from './resource-key';

/** A member of the organization, named in a file by the email address of their account. */
const memberEmail = z.email().max(254);

/** An on-call rotation entry: the POST /v1/oncall-rotations body with members by email. */
export const rotationEntrySchema = z
  .strictObject({
    key: resourceKey,
    ...rotationFields,
    handoffWeekday: rotationFields.handoffWeekday.optional(),
    members: z
      .array(memberEmail)
      .min(1)
      .max(MAX_ROTATION_MEMBERS)
      .describe('members of the organization by email, in turn order'),
  })
  .superRefine(weekdayRule);
export type RotationEntry = z.output<typeof rotationEntrySchema>;

/** Whom a step notifies: a channel or a rotation by key, a member by email. */
const targetEntry = z.union([
  z.strictObject({ channel: resourceKey.describe('a channel entry') }),
  z.strictObject({ member: memberEmail.describe('a member of the organization') }),
  z.strictObject({ rotation: resourceKey.describe('an oncallRotations entry: whoever is on call') }),
]);
export type TargetEntry = z.output<typeof targetEntry>;

/** An escalation policy entry: the POST /v1/escalation-policies body with targets by key or email. */
export const escalationPolicyEntrySchema = z.strictObject({
  key: resourceKey,
  name: escalationPolicyFields.name,
  steps: escalationSteps(
    z.strictObject({
      waitMinutes: escalationStepSchema.shape.waitMinutes,
      targets: z.array(targetEntry).min(1).max(20),
    }),
  ),
  repeat: escalationPolicyFields.repeat.default(0),
  reminderMinutes: escalationPolicyFields.reminderMinutes.default(null),
});
export type EscalationPolicyEntry = z.output<typeof escalationPolicyEntrySchema>;

/** A monitor group entry: the POST /v1/monitor-groups body; monitors join it with their `group`. */
export const groupEntrySchema = z.strictObject({
  key: resourceKey,
  name: z.string().trim().min(1).max(200),
  alertAsOne: z
    .boolean()
    .default(false)
    .describe('while any member is down: one group incident and one down/up alert pair'),
});
export type GroupEntry = z.output<typeof groupEntrySchema>;
