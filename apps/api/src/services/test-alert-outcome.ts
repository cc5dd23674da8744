import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceContext } from '../context';
import { bindTenant } from '../db/tenant';

/** A queued test alert as POST /v1/channels/:id/test reports it. */
export interface TestAlertView {
  id: string;
  incidentId: null;
  channelId: string;
  event: 'test';
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
}

export interface TestOutcome {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
}

/** Reads the alert and its first logged attempt in a short transaction bound to the organization. */
function readDelivery(ctx: Pick<ServiceContext, 'db'>, orgId: string, alertId: string) {
  return ctx.db.transaction().execute(async (tx) => {
    await bindTenant(tx, orgId);
    const attempt = await tx
      .selectFrom('alert_attempts')
      .select(['attempted_at', 'ok', 'status_code', 'error', 'duration_ms'])
      .where('org_id', '=', orgId)
      .where('alert_id', '=', alertId)
      .orderBy('id', 'asc')
      .limit(1)
      .executeTakeFirst();
    if (!attempt) return null;
    const alert = await tx
      .selectFrom('alerts')
      .select(['status', 'attempts', 'sent_at', 'last_error'])
      .where('org_id', '=', orgId)
      .where('id', '=', alertId)
      .executeTakeFirst();
    return alert ? { alert, attempt } : null;
  });
}

/**
 * Waits up to `waitMs` for the notifier's first delivery attempt of a committed test alert and
 * reports it as logged: the receiver's real answer, not an assumption. Past the wait (a busy
 * queue, a channel held back by its breaker) the alert is reported as queued, with no outcome.
 */
export async function awaitTestOutcome(
  ctx: Pick<ServiceContext, 'db'>,
  input: { orgId: string; queued: TestAlertView; waitMs: number },
): Promise<TestAlertView & { outcome: TestOutcome | null }> {
  const { orgId, queued, waitMs } = input;
  const deadline = performance.now() + waitMs;
  let pause = 25;
  while (performance.now() < deadline) {
    await sleep(Math.min(pause, Math.max(0, deadline - performance.now())));
    pause = Math.min(pause * 2, 250);
    const found = await readDelivery(ctx, orgId, queued.id);
    if (!found) continue;
    const { alert, attempt } = found;
    return {
      ...queued,
      status: alert.status,
      attempts: alert.attempts,
      sentAt: alert.sent_at ? alert.sent_at.toISOString() : null,
      lastError: alert.last_error,
      outcome: {
        delivered: attempt.ok,
        statusCode: attempt.status_code,
        durationMs: attempt.duration_ms,
        error: attempt.error,
        attemptedAt: attempt.attempted_at.toISOString(),
      },
    };
  }
  return { ...queued, outcome: null };
}
