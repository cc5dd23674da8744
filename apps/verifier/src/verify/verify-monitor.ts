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
import type { Db } from '@sentinelmesh/db';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
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
    // One round trip: the state row (locked), the monitor, its unconsumed results and the
    // maintenance windows around them. Should the lock wait for another verifier, the row comes
    // back as that one left it; consumeResults skips anything at or before its consumed_through.
    const row = await trx
      .selectFrom('monitor_state as s')
      .innerJoin('monitors as m', (join) =>
        join.onRef('m.id', '=', 's.monitor_id').onRef('m.org_id', '=', 's.org_id'),
      )
      .select((eb) => [
        's.status',
        's.since',
        's.machine',
        's.consumed_through',
        'm.config',
        jsonArrayFrom(
          eb
            .selectFrom('check_results as r')
            .select([
              'r.scheduled_at',
              'r.checked_at',
              'r.kind',
              'r.attempt',
              'r.region',
              'r.ok',
              'r.status_code',
              'r.latency_ms',
              'r.error_kind',
              'r.error_message',
            ])
            .whereRef('r.monitor_id', '=', 's.monitor_id')
            .whereRef('r.org_id', '=', 's.org_id')
            .where((w) =>
              w.or([
                w('s.consumed_through', 'is', null),
                w('r.scheduled_at', '>', w.ref('s.consumed_through')),
              ]),
            )
            .orderBy('r.scheduled_at')
            .orderBy('r.kind')
            .orderBy('r.region')
            .limit(RESULT_BATCH),
        ).as('results'),
        jsonArrayFrom(
          eb
            .selectFrom('maintenance_windows as w')
            .innerJoin('maintenance_window_monitors as wm', (join) =>
              join.onRef('wm.window_id', '=', 'w.id').onRef('wm.org_id', '=', 'w.org_id'),
            )
            .select(['w.starts_at', 'w.ends_at'])
            .whereRef('wm.monitor_id', '=', 's.monitor_id')
            .whereRef('wm.org_id', '=', 's.org_id')
            .where((w) =>
              w.or([w('s.consumed_through', 'is', null), w('w.ends_at', '>', w.ref('s.consumed_through'))]),
            )
            .orderBy('w.starts_at')
            .limit(200),
        ).as('maintenance'),
      ])
      .where('s.monitor_id', '=', monitorId)
      .where('s.org_id', '=', orgId)
      .forUpdate('s')
      .executeTakeFirst();
    if (!row) return idle;
    const state = row;
    const through = state.consumed_through;
    // JSON carries timestamps as text. Only what is after consumed_through as locked counts.
    const rows = row.results
      .map((r) => ({ ...r, scheduled_at: new Date(r.scheduled_at), checked_at: new Date(r.checked_at) }))
      .filter((r) => through === null || r.scheduled_at > through);
    const maintenance: MaintenanceSpan[] = row.maintenance.map((w) => ({
      startMs: Date.parse(String(w.starts_at)),
      endMs: Date.parse(String(w.ends_at)),
    }));
    const batch = wholeSlots(rows);
    const memory = readVerifierMemory(state.machine);
    const config = row.config;

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
        maintenance,
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
