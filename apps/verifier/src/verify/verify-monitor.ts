import {
  type ConfirmationRequest,
  consumeResults,
  failureCause,
  type MaintenanceSpan,
  readQuorum,
  readVerifierMemory,
  type SlotResult,
  type StoredMonitorConfig,
  type VerifierMemory,
  type VerifyJob,
  type VerifyStep,
} from '@sentinelmesh/core';
import type { Database, Db } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';
import { type CreatedAlert, recordNotice } from './notices';

/** Results read per transaction; a bigger backlog is consumed over several. */
export const RESULT_BATCH = 500;

interface StoredResult extends SlotResult {
  latencyMs: number | null;
  error: { kind: string; message: string } | null;
}

export interface VerifyRun {
  /** The monitor as it was verified; null when it is gone or paused (nothing else is then set). */
  config: StoredMonitorConfig | null;
  steps: VerifyStep[];
  alerts: CreatedAlert[];
  confirmation: ConfirmationRequest | null;
  held: number;
  /** A full batch was consumed: more results may wait. */
  more: boolean;
}

const idle: VerifyRun = { config: null, steps: [], alerts: [], confirmation: null, held: 0, more: false };

const jsonOrNull = (value: unknown) => (value === null ? sql<string>`NULL` : JSON.stringify(value));

function toStoredResult(row: {
  scheduled_at: Date;
  checked_at: Date;
  kind: 'scheduled' | 'confirmation';
  attempt: number;
  region: string;
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  error_kind: string | null;
  error_message: string | null;
}): StoredResult {
  return {
    scheduledAtMs: row.scheduled_at.getTime(),
    checkedAtMs: row.checked_at.getTime(),
    kind: row.kind,
    attempt: row.attempt,
    region: row.region,
    ok: row.ok,
    cause: failureCause({
      ok: row.ok,
      statusCode: row.status_code,
      errorKind: row.error_kind,
      errorMessage: row.error_message,
    }),
    latencyMs: row.latency_ms,
    error: row.error_kind ? { kind: row.error_kind, message: row.error_message ?? '' } : null,
  };
}

/** A full batch may end inside a slot (several regions): leave that slot whole for the next batch. */
function wholeSlots<T extends { scheduled_at: Date }>(rows: T[]): T[] {
  const last = rows.at(-1);
  if (rows.length < RESULT_BATCH || !last) return rows;
  const whole = rows.filter((r) => r.scheduled_at.getTime() !== last.scheduled_at.getTime());
  return whole.length > 0 ? whole : rows;
}

const sameMemory = (a: VerifierMemory, b: VerifierMemory) => JSON.stringify(a) === JSON.stringify(b);

/** Regions a slot is expected from: the monitor's that this deployment runs (all of its own if none). */
export function expectedRegions(config: StoredMonitorConfig, deployment: readonly string[]): string[] {
  const served = config.regions.filter((region) => deployment.includes(region));
  return served.length > 0 ? served : [...config.regions];
}

async function maintenanceAround(
  trx: Transaction<Database>,
  job: VerifyJob,
  fromMs: number,
): Promise<MaintenanceSpan[]> {
  const rows = await trx
    .selectFrom('maintenance_windows as w')
    .innerJoin('maintenance_window_monitors as wm', (join) =>
      join.onRef('wm.window_id', '=', 'w.id').onRef('wm.org_id', '=', 'w.org_id'),
    )
    .select(['w.starts_at', 'w.ends_at'])
    .where('wm.monitor_id', '=', job.monitorId)
    .where('wm.org_id', '=', job.orgId)
    .where('w.ends_at', '>', new Date(fromMs))
    .orderBy('w.starts_at')
    .limit(200)
    .execute();
  return rows.map((row) => ({ startMs: row.starts_at.getTime(), endMs: row.ends_at.getTime() }));
}

/**
 * One verification of one monitor in ONE transaction: lock its state row, feed the results it has
 * not consumed to the state machine, write incidents, alerts and the new state. The row lock makes
 * concurrent verifiers decide one after the other; consumed_through makes a replay a no-op.
 */
export async function verifyMonitor(
  db: Db,
  job: VerifyJob,
  nowMs: number,
  deploymentRegions: readonly string[],
): Promise<VerifyRun> {
  const { orgId, monitorId } = job;
  return db.transaction().execute(async (trx) => {
    const state = await trx
      .selectFrom('monitor_state')
      .select(['status', 'since', 'machine', 'consumed_through'])
      .where('monitor_id', '=', monitorId)
      .where('org_id', '=', orgId)
      .forUpdate()
      .executeTakeFirst();
    if (!state) return idle;
    const monitor = await trx
      .selectFrom('monitors')
      .select(['config'])
      .where('id', '=', monitorId)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!monitor) return idle;

    const through = state.consumed_through;
    const rows = await trx
      .selectFrom('check_results')
      .select([
        'scheduled_at',
        'checked_at',
        'kind',
        'attempt',
        'region',
        'ok',
        'status_code',
        'latency_ms',
        'error_kind',
        'error_message',
      ])
      .where('monitor_id', '=', monitorId)
      .where('org_id', '=', orgId)
      .$if(through !== null, (qb) => qb.where('scheduled_at', '>', through as Date))
      .orderBy('scheduled_at')
      .orderBy('kind')
      .orderBy('region')
      .limit(RESULT_BATCH)
      .execute();
    const batch = wholeSlots(rows);
    const memory = readVerifierMemory(state.machine);
    const config = monitor.config;

    if (config.paused || state.status === 'paused') {
      // Results of a paused monitor never count: mark them consumed and wait for nothing.
      const last = rows.at(-1);
      if (last || memory.awaiting || memory.wakeAtMs !== null) {
        await trx
          .updateTable('monitor_state')
          .set({
            machine: JSON.stringify({ ...memory, awaiting: null, wakeAtMs: null }),
            consumed_through: last ? last.scheduled_at : through,
            updated_at: new Date(nowMs),
          })
          .where('monitor_id', '=', monitorId)
          .where('org_id', '=', orgId)
          .execute();
      }
      return idle;
    }

    const first = batch[0];
    const outcome = consumeResults({
      memory,
      consumedThroughMs: through ? through.getTime() : null,
      results: batch.map(toStoredResult),
      config: {
        failureThreshold: config.failureThreshold,
        recoveryThreshold: config.recoveryThreshold,
        retryIntervalSeconds: config.retryIntervalSeconds,
        timeoutMs: config.timeoutMs,
        intervalSeconds: config.intervalSeconds,
        expectedRegions: expectedRegions(config, deploymentRegions),
        quorum: readQuorum(config),
        maintenance: first ? await maintenanceAround(trx, job, first.scheduled_at.getTime()) : [],
      },
      nowMs,
    });

    const alerts: CreatedAlert[] = [];
    for (const step of outcome.steps) {
      if (!step.notice) continue;
      alerts.push(...(await recordNotice(trx, { orgId, monitorId, config, notice: step.notice })));
    }

    const last = outcome.consumed.at(-1);
    if (last || !sameMemory(memory, outcome.memory)) {
      const next = outcome.memory;
      const status = outcome.steps.at(-1)?.display ?? state.status;
      let since: Date | null = next.sinceMs === null ? null : new Date(next.sinceMs);
      if (status !== 'up' && status !== 'down' && status !== 'pending') {
        since = status === state.status ? state.since : new Date(last ? last.checkedAtMs : nowMs);
      }
      await trx
        .updateTable('monitor_state')
        .set({
          status,
          since,
          machine: JSON.stringify(next),
          consumed_through: outcome.consumedThroughMs === null ? null : new Date(outcome.consumedThroughMs),
          updated_at: new Date(nowMs),
          ...(last
            ? {
                last_checked_at: new Date(last.checkedAtMs),
                last_latency_ms: last.latencyMs,
                last_error: jsonOrNull(last.error),
              }
            : {}),
        })
        .where('monitor_id', '=', monitorId)
        .where('org_id', '=', orgId)
        .execute();
    }

    return {
      config,
      steps: outcome.steps,
      alerts,
      confirmation: outcome.confirmation,
      held: outcome.held,
      more: rows.length === RESULT_BATCH && outcome.consumed.length === batch.length,
    };
  });
}
