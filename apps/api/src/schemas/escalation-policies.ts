import { escalationStepSchema, MAX_ESCALATION_MINUTES } from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, limitQuery } from './common';

const fields = {
  name: z.string().trim().min(1).max(100),
  steps: z
    .array(escalationStepSchema)
    .min(1)
    .max(10)
    .describe('in order: step 0 fires with the DOWN alert, each next one after the previous wait'),
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

export const createEscalationPolicyBody = z.strictObject({
  ...fields,
  repeat: fields.repeat.default(0),
  reminderMinutes: fields.reminderMinutes.default(null),
});
export const patchEscalationPolicyBody = z.strictObject(fields).partial();

export const escalationPolicySchema = z.object({
  id: z.string(),
  ...fields,
  monitorIds: z.array(z.string()).describe('the monitors that use this policy'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const listEscalationPoliciesQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

export type CreateEscalationPolicy = z.output<typeof createEscalationPolicyBody>;
export type PatchEscalationPolicy = z.output<typeof patchEscalationPolicyBody>;
