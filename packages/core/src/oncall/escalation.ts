import { z } from 'zod';

/** The longest wait of a step and the longest reminder interval, in minutes (a day). */
export const MAX_ESCALATION_MINUTES = 1440;

export const escalationTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('channel'), channelId: z.uuid() }),
  z.strictObject({ type: z.literal('member'), userId: z.uuid() }),
  z.strictObject({ type: z.literal('rotation'), rotationId: z.uuid() }),
]);
export type EscalationTarget = z.output<typeof escalationTargetSchema>;

export const escalationStepSchema = z.strictObject({
  waitMinutes: z
    .number()
    .int()
    .min(1)
    .max(MAX_ESCALATION_MINUTES)
    .describe('minutes after this step before the next one fires (after the last: before a repeat)'),
  targets: z.array(escalationTargetSchema).min(1).max(20),
});
export type EscalationStep = z.output<typeof escalationStepSchema>;

/** The climb a policy describes: its steps, how often it repeats, and its reminders. */
export interface EscalationPlan {
  steps: readonly EscalationStep[];
  repeat: number;
}

/** Why an escalating incident's alert went to its recipient. */
export type AlertRoute =
  | { kind: 'step'; step: number; round: number; target: EscalationTarget }
  | { kind: 'reminder'; reminder: number }
  | { kind: 'notice' };

/** Where position `position` (counted over every round) lands, or null past the last round. */
export function stepAt(plan: EscalationPlan, position: number): { step: number; round: number } | null {
  const count = plan.steps.length;
  if (count === 0 || position < 0 || position >= count * (plan.repeat + 1)) return null;
  return { step: position % count, round: Math.floor(position / count) };
}

/** Minutes from firing `position` until the next position is due; null when it was the last one. */
export function waitAfter(plan: EscalationPlan, position: number): number | null {
  const at = stepAt(plan, position);
  if (!at || !stepAt(plan, position + 1)) return null;
  return plan.steps[at.step]?.waitMinutes ?? null;
}

/** The idempotency key of a step's alerts: one per recipient, incident, round and step. */
export const stepDedupKey = (incidentId: string, round: number, step: number) =>
  `${incidentId}:step:${round}:${step}`;

/** The idempotency key of a reminder's alerts: one per recipient, incident and reminder number. */
export const reminderDedupKey = (incidentId: string, reminder: number) =>
  `${incidentId}:reminder:${reminder}`;
