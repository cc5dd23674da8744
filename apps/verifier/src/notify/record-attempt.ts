import type { Db } from '@sentinelmesh/db';
import type { DeliveryResult } from '../channels/adapter';

export type AlertStatus = 'pending' | 'sent' | 'failed';

/** Logs one delivery attempt and moves the alert on, in one transaction. */
export async function recordAttempt(
  db: Db,
  input: {
    orgId: string;
    alertId: string;
    attemptedAtMs: number;
    result: DeliveryResult;
    status: AlertStatus;
  },
): Promise<void> {
  const { orgId, alertId, result, status } = input;
  const attemptedAt = new Date(input.attemptedAtMs);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alert_attempts')
      .values({
        org_id: orgId,
        alert_id: alertId,
        attempted_at: attemptedAt,
        ok: result.ok,
        status_code: result.statusCode,
        error: result.error,
        duration_ms: result.durationMs,
      })
      .execute();
    await trx
      .updateTable('alerts')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: attemptedAt,
        last_error: result.error,
        status,
        ...(result.ok ? { sent_at: new Date(attemptedAt.getTime() + result.durationMs) } : {}),
      }))
      .where('id', '=', alertId)
      .where('org_id', '=', orgId)
      .where('status', '=', 'pending')
      .execute();
  });
}
