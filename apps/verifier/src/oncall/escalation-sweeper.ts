import type { EscalationStep, StoredMonitorConfig } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import type { CreatedAlert } from '../verify/notices';
import { fireStep, sendReminder } from './escalate';
import type { OncallSettings } from './settings';

export interface EscalationSweep {
  steps: number;
  reminders: number;
  alerts: CreatedAlert[];
}

interface DueIncident {
  id: string;
  org_id: string;
  monitor_id: string;
  opened_at: Date;
  cause: string | null;
  escalation_position: number;
  reminders_sent: number;
  step_due: boolean;
  reminder_due: boolean;
  steps: EscalationStep[];
  repeat: number;
  reminder_minutes: number | null;
  config: StoredMonitorConfig;
  now: Date;
}

/**
 * Fires every escalation step and reminder that is due (database clock) on open incidents nobody
 * acknowledged and no parent holds, across organizations, in one transaction: each incident's row is locked (SKIP
 * LOCKED: verifiers share the work, and a resolution or an acknowledgement in progress is not
 * raced), its alerts and its next due time are written together. A crash before the commit leaves
 * the step due; after it, the step is done and its alerts are in the outbox, which the outbox
 * sweeper delivers should their jobs never be queued.
 */
export async function sweepEscalations(
  db: Db,
  oncall: OncallSettings,
  limit = 100,
): Promise<EscalationSweep> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<DueIncident>`
      SELECT i.id, i.org_id, i.monitor_id, i.opened_at, i.cause, i.escalation_position, i.reminders_sent,
        coalesce(i.escalation_next_at <= now(), false) AS step_due,
        coalesce(i.reminder_next_at <= now(), false) AS reminder_due,
        p.steps, p.repeat, p.reminder_minutes, m.config, now() AS now
      FROM incidents i
      JOIN escalation_policies p ON p.id = i.escalation_policy_id AND p.org_id = i.org_id
      JOIN monitors m ON m.id = i.monitor_id AND m.org_id = i.org_id
      WHERE i.status = 'open' AND i.acknowledged_at IS NULL
        -- Held while a parent is down (ADR 0036): the climb resumes once the incident is released.
        AND (i.suppressed_by IS NULL OR i.released_at IS NOT NULL)
        AND (i.escalation_next_at <= now() OR i.reminder_next_at <= now())
      ORDER BY least(i.escalation_next_at, i.reminder_next_at)
      LIMIT ${limit}
      FOR UPDATE OF i SKIP LOCKED
    `.execute(trx);
    const outcome: EscalationSweep = { steps: 0, reminders: 0, alerts: [] };
    for (const row of rows) {
      const policy = { steps: row.steps, repeat: row.repeat, reminderMinutes: row.reminder_minutes };
      const at = {
        orgId: row.org_id,
        monitorId: row.monitor_id,
        config: row.config,
        incident: { id: row.id, opened_at: row.opened_at, resolved_at: null },
        cause: row.cause,
        atMs: row.now.getTime(),
      };
      if (row.step_due) {
        outcome.alerts.push(
          ...(await fireStep(trx, { ...at, event: 'monitor.down' }, policy, row.escalation_position, oncall)),
        );
        outcome.steps += 1;
      }
      if (row.reminder_due) {
        outcome.alerts.push(...(await sendReminder(trx, at, policy, row.reminders_sent + 1, oncall)));
        outcome.reminders += 1;
      }
    }
    return outcome;
  });
}
