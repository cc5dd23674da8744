import { escalationPolicyFields, escalationPolicyStepsSchema } from '@sentinelmesh/core';
import { z } from 'zod';
import { cursorQuery, isoTime, keyQuery, limitQuery, managedFields } from './common';

const { name, repeat, reminderMinutes } = escalationPolicyFields;
const fields = { name, steps: escalationPolicyStepsSchema, repeat, reminderMinutes };

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
  ...managedFields,
});

export const listEscalationPoliciesQuery = z.object({
  key: keyQuery,
  limit: limitQuery,
  cursor: cursorQuery,
});

export type CreateEscalationPolicy = z.output<typeof createEscalationPolicyBody>;
export type PatchEscalationPolicy = z.output<typeof patchEscalationPolicyBody>;
