import {
  type AlertEvent,
  type EscalationPlan,
  type EscalationStep,
  type IncidentRef,
  reminderDedupKey,
  type StoredMonitorConfig,
  stepAt,
  stepDedupKey,
  waitAfter,
} from '@sentinelmesh/core';
import type { Database } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';
import type { CreatedAlert } from '../verify/notices';
import { writeAlerts } from './alert-rows';
import type { OncallSettings } from './settings';
import { notifiedRecipients, resolveTargets } from './targets';

type Trx = Transaction<Database>;

export interface EscalatingIncident {
  orgId: string;
  monitorId: string;
  config: StoredMonitorConfig;
  incident: IncidentRef;
  cause: string | null;
}

export interface PolicyRow extends EscalationPlan {
  steps: EscalationStep[];
  reminderMinutes: number | null;
}

/** `now() + minutes` in the database's clock, a policy minute being `minuteMs`. */
const after = (minutes: number | null, oncall: OncallSettings) =>
  minutes === null
    ? null
    : sql<Date>`now() + ${minutes * oncall.minuteMs}::float8 * interval '1 millisecond'`;

/**
 * Fires the step at `position` (its targets resolved now), and schedules the next one: the outbox
 * rows and the incident's new position are written in the caller's transaction, so a crash keeps
 * both or neither, and the step's key keeps a replay from writing it twice.
 */
export async function fireStep(
  trx: Trx,
  at: EscalatingIncident & { atMs: number; event: AlertEvent },
  policy: PolicyRow,
  position: number,
  oncall: OncallSettings,
): Promise<CreatedAlert[]> {
  const where = stepAt(policy, position);
  const step = where ? policy.steps[where.step] : undefined;
  let alerts: CreatedAlert[] = [];
  if (where && step) {
    const recipients = await resolveTargets(trx, at.orgId, step.targets, (target) => ({
      kind: 'step',
      step: where.step,
      round: where.round,
      target,
    }));
    alerts = await writeAlerts(
      trx,
      { ...at, dedupKey: stepDedupKey(at.incident.id, where.round, where.step), recipients },
      oncall,
    );
  }
  await trx
    .updateTable('incidents')
    .set({
      escalation_position: position + 1,
      escalation_next_at: after(waitAfter(policy, position), oncall),
    })
    .where('id', '=', at.incident.id)
    .where('org_id', '=', at.orgId)
    .execute();
  return alerts;
}

/** Sends reminder number `reminder` to everyone notified so far, and schedules the next one. */
export async function sendReminder(
  trx: Trx,
  at: EscalatingIncident & { atMs: number },
  policy: PolicyRow,
  reminder: number,
  oncall: OncallSettings,
): Promise<CreatedAlert[]> {
  const recipients = (await notifiedRecipients(trx, at.orgId, at.incident.id)).map((r) => ({
    ...r,
    route: { kind: 'reminder' as const, reminder },
  }));
  const alerts = await writeAlerts(
    trx,
    { ...at, event: 'monitor.still_down', dedupKey: reminderDedupKey(at.incident.id, reminder), recipients },
    oncall,
  );
  await trx
    .updateTable('incidents')
    .set({ reminders_sent: reminder, reminder_next_at: after(policy.reminderMinutes, oncall) })
    .where('id', '=', at.incident.id)
    .where('org_id', '=', at.orgId)
    .execute();
  return alerts;
}

async function loadPolicy(trx: Trx, orgId: string, policyId: string): Promise<PolicyRow | null> {
  const row = await trx
    .selectFrom('escalation_policies')
    .select(['steps', 'repeat', 'reminder_minutes'])
    .where('org_id', '=', orgId)
    .where('id', '=', policyId)
    .executeTakeFirst();
  return row ? { steps: row.steps, repeat: row.repeat, reminderMinutes: row.reminder_minutes } : null;
}

/**
 * The transition path's one hook (verify/notices.ts): the alerts of a notice about an incident whose
 * monitor uses an escalation policy, or null when it uses plain channels. Opening starts the climb
 * (step 0 with the notice, the reminders' clock); a later notice (flapping) and the resolution go to
 * everyone the incident notified so far.
 */
export async function escalatedAlerts(
  trx: Trx,
  at: EscalatingIncident & { atMs: number; event: AlertEvent; dedupKey: string },
  oncall: OncallSettings,
): Promise<CreatedAlert[] | null> {
  const row = await trx
    .selectFrom('incidents as i')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 'i.monitor_id').onRef('m.org_id', '=', 'i.org_id'),
    )
    .select([
      'i.escalation_policy_id',
      'i.escalation_position',
      'm.escalation_policy_id as monitor_policy_id',
    ])
    .where('i.id', '=', at.incident.id)
    .where('i.org_id', '=', at.orgId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.escalation_policy_id === null) {
    // Only an incident that has alerted nobody yet starts climbing: one opened by a plain monitor stays plain.
    if (at.event === 'monitor.up' || row.escalation_position !== 0 || row.monitor_policy_id === null)
      return null;
    const policy = await loadPolicy(trx, at.orgId, row.monitor_policy_id);
    if (!policy) return null;
    await trx
      .updateTable('incidents')
      .set({
        escalation_policy_id: row.monitor_policy_id,
        reminder_next_at: after(policy.reminderMinutes, oncall),
      })
      .where('id', '=', at.incident.id)
      .where('org_id', '=', at.orgId)
      .execute();
    return fireStep(trx, at, policy, 0, oncall);
  }
  const recipients = await notifiedRecipients(trx, at.orgId, at.incident.id);
  const route = { kind: 'notice' as const };
  return writeAlerts(trx, { ...at, recipients: recipients.map((r) => ({ ...r, route })) }, oncall);
}
