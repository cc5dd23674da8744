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
  /** The time the verification decided at (epoch ms). */
  decidedAtMs: number;
}

const idle = (decidedAtMs: number): VerifyRun => ({
  config: null,
  steps: [],
  alerts: [],
  confirmation: null,
  held: 0,
  more: false,
  decidedAtMs,
});

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
function wholeSlots<T extends { scheduled_at: Date }>(rows: T[], full: boolean): T[] {
  const last = rows.at(-1);
  if (!full || !last) return rows;
  const whole = rows.filter((r) => r.scheduled_at.getTime() !== last.scheduled_at.getTime());
  return whole.length > 0 ? whole : rows;
}

const sameMemory = (a: VerifierMemory, b: VerifierMemory) => JSON.stringify(a) === JSON.stringify(b);

/** Regions a slot is expected from: the monitor's that this deployment runs (all of its own if none). */
export function expectedRegions(config: StoredMonitorConfig, deployment: readonly string[]): string[] {
  const served = config.regions.filter((region) => deployment.includes(region));
  return served.length > 0 ? served : [...config.regions];
}

/** What a verification writes back to a monitor's state row. */
interface StateUpdate {
  monitor_id: string;
  org_id: string;
  status: string;
  since: Date | null;
  machine: VerifierMemory;
  consumed_through: Date | null;
  updated_at: Date;
  /** Whether results were consumed: only then do the last_* columns change. */
  has_last: boolean;
  last_checked_at: Date | null;
  last_latency_ms: number | null;
  last_error: { kind: string; message: string } | null;
}

/** Locks the state rows of `jobs` in monitor order and reads, per monitor, everything a verification needs. */
function loadStates(trx: Transaction<Database>, jobs: readonly VerifyJob[]) {
  // Should a lock wait for another verifier, a row comes back as that one left it; the caller
  // keeps only results after the consumed_through it returns.
  return trx
    .selectFrom('monitor_state as s')
    .innerJoin('monitors as m', (join) =>
      join.onRef('m.id', '=', 's.monitor_id').onRef('m.org_id', '=', 's.org_id'),
    )
    .select((eb) => [
      's.monitor_id',
      's.org_id',
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
    .where((eb) =>
      eb.or(
        jobs.map((job) => eb.and([eb('s.monitor_id', '=', job.monitorId), eb('s.org_id', '=', job.orgId)])),
      ),
    )
    .orderBy('s.monitor_id')
    .forUpdate('s')
    .execute();
}

type LoadedState = Awaited<ReturnType<typeof loadStates>>[number];

/** Feeds one monitor's unconsumed results to the state machine; what to write back is returned, not written. */
function decide(
  row: LoadedState,
  nowMs: number,
  deploymentRegions: readonly string[],
): { run: VerifyRun; update: StateUpdate | null } {
  const through = row.consumed_through;
  // JSON carries timestamps as text. Only what is after consumed_through as locked counts.
  const rows = row.results
    .map((r) => ({ ...r, scheduled_at: new Date(r.scheduled_at), checked_at: new Date(r.checked_at) }))
    .filter((r) => through === null || r.scheduled_at > through);
  const maintenance: MaintenanceSpan[] = row.maintenance.map((w) => ({
    startMs: Date.parse(String(w.starts_at)),
    endMs: Date.parse(String(w.ends_at)),
  }));
  // Whether the read hit its limit: then more results may wait, and its last slot may be cut.
  const full = row.results.length === RESULT_BATCH;
  const batch = wholeSlots(rows, full);
  const memory = readVerifierMemory(row.machine);
  const config = row.config;
  const base = {
    monitor_id: row.monitor_id,
    org_id: row.org_id,
    updated_at: new Date(nowMs),
    has_last: false,
    last_checked_at: null,
    last_latency_ms: null,
    last_error: null,
  };

  if (config.paused || row.status === 'paused') {
    // Results of a paused monitor never count: mark them consumed and wait for nothing.
    const last = rows.at(-1);
    if (!last && !memory.awaiting && memory.wakeAtMs === null) return { run: idle(nowMs), update: null };
    const update: StateUpdate = {
      ...base,
      status: row.status,
      since: row.since,
      machine: { ...memory, awaiting: null, wakeAtMs: null },
      consumed_through: last ? last.scheduled_at : through,
    };
    return { run: idle(nowMs), update };
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
  const run: VerifyRun = {
    config,
    steps: outcome.steps,
    alerts: [],
    confirmation: outcome.confirmation,
    held: outcome.held,
    more: full && outcome.consumed.length === batch.length,
    decidedAtMs: nowMs,
  };

  const last = outcome.consumed.at(-1);
  if (!last && sameMemory(memory, outcome.memory)) return { run, update: null };
  const next = outcome.memory;
  const status = outcome.steps.at(-1)?.display ?? row.status;
  let since: Date | null = next.sinceMs === null ? null : new Date(next.sinceMs);
  if (status !== 'up' && status !== 'down' && status !== 'pending') {
    since = status === row.status ? row.since : new Date(last ? last.checkedAtMs : nowMs);
  }
  const update: StateUpdate = {
    ...base,
    status,
    since,
    machine: next,
    consumed_through: outcome.consumedThroughMs === null ? null : new Date(outcome.consumedThroughMs),
    ...(last
      ? {
          has_last: true,
          last_checked_at: new Date(last.checkedAtMs),
          last_latency_ms: last.latencyMs,
          last_error: last.error,
        }
      : {}),
  };
  return { run, update };
}

/** Writes every state row of a batch in one statement. */
async function writeStates(trx: Transaction<Database>, updates: StateUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await sql`
    UPDATE monitor_state AS s SET
      status = v.status,
      since = v.since,
      machine = v.machine,
      consumed_through = v.consumed_through,
      updated_at = v.updated_at,
      last_checked_at = CASE WHEN v.has_last THEN v.last_checked_at ELSE s.last_checked_at END,
      last_latency_ms = CASE WHEN v.has_last THEN v.last_latency_ms ELSE s.last_latency_ms END,
      last_error = CASE WHEN v.has_last THEN v.last_error ELSE s.last_error END
    FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(
      monitor_id uuid, org_id uuid, status text, since timestamptz, machine jsonb,
      consumed_through timestamptz, updated_at timestamptz, has_last boolean,
      last_checked_at timestamptz, last_latency_ms integer, last_error jsonb
    )
    WHERE s.monitor_id = v.monitor_id AND s.org_id = v.org_id
  `.execute(trx);
}

/**
 * Verifies a batch of monitors (each at most once) in ONE transaction: locks their state rows in
 * monitor order, feeds each its unconsumed results, records incidents and alerts, and writes every
 * state row in one statement. The row locks make concurrent verifiers decide one after the other;
 * consumed_through makes a replay a no-op. Runs are returned in the order of `jobs`.
 */
export async function verifyMonitors(
  db: Db,
  jobs: readonly VerifyJob[],
  nowMs: number,
  deploymentRegions: readonly string[],
): Promise<VerifyRun[]> {
  if (jobs.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const rows = await loadStates(trx, jobs);
    const runs = new Map<string, VerifyRun>();
    const updates: StateUpdate[] = [];
    for (const row of rows) {
      const { run, update } = decide(row, nowMs, deploymentRegions);
      if (update) updates.push(update);
      for (const step of run.steps) {
        if (!step.notice || !run.config) continue;
        run.alerts.push(
          ...(await recordNotice(trx, {
            orgId: row.org_id,
            monitorId: row.monitor_id,
            config: run.config,
            notice: step.notice,
          })),
        );
      }
      runs.set(`${row.org_id}/${row.monitor_id}`, run);
    }
    await writeStates(trx, updates);
    return jobs.map((job) => runs.get(`${job.orgId}/${job.monitorId}`) ?? idle(nowMs));
  });
}

/** One verification of one monitor: `verifyMonitors` with a batch of one. */
export async function verifyMonitor(
  db: Db,
  job: VerifyJob,
  nowMs: number,
  deploymentRegions: readonly string[],
): Promise<VerifyRun> {
  const [run] = await verifyMonitors(db, [job], nowMs, deploymentRegions);
  return run ?? idle(nowMs);
}
