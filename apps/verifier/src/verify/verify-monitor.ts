import {
  type ConfirmationRequest,
  decideMonitor,
  defaultResultLatenessMs,
  failureCause,
  type MaintenanceSpan,
  type MonitorStatus,
  maintenanceOccurrences,
  type RegionEvent,
  readVerifierMemory,
  type SlotResult,
  type StoredMonitorConfig,
  type VerifierMemory,
  type VerifyJob,
  type VerifyStep,
} from '@sentinelmesh/core';
import { type Database, type Db, databaseNow, windowRule, windowTimeColumns } from '@sentinelmesh/db';
import { sql, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { OncallSettings } from '../oncall/settings';
import { settleDependencies } from './dependencies';
import { countLateResults, type LateResult } from './late-results';
import { type CreatedAlert, recordNotice } from './notices';
import { recordRegionNotices } from './region-notices';

/** Results read per transaction; a bigger backlog is consumed over several. */
export const RESULT_BATCH = 500;

interface StoredResult extends SlotResult {
  latencyMs: number | null;
  error: { kind: string; message: string } | null;
}

export interface VerifyRun {
  /** The monitor as it was verified; null when it is gone or paused (nothing else is then set). */
  config: StoredMonitorConfig | null;
  /** That configuration's version (the monitor's `updated_at` in ms), carried by confirmation jobs. */
  configVersion?: number;
  steps: VerifyStep[];
  alerts: CreatedAlert[];
  confirmation: ConfirmationRequest | null;
  held: number;
  /** Slots consumed while a live region was missing: no verdict. */
  inconclusive: number;
  /** Results found to have arrived after their slot was judged without them, counted late now. */
  late: LateResult[];
  /** Region notices this run wrote for the organization. */
  regionNotices: RegionEvent[];
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
  inconclusive: 0,
  late: [],
  regionNotices: [],
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

/** What a verification writes back to a monitor's state row. */
interface StateUpdate {
  monitor_id: string;
  org_id: string;
  status: MonitorStatus;
  since: Date | null;
  machine: VerifierMemory;
  consumed_through: Date | null;
  wake_at: Date | null;
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
  // keeps only results after the consumed_through it returns. The monitors go as two arrays,
  // whatever the batch's size: one statement text to build, parse and plan.
  const ids = jobs.map((job) => job.monitorId);
  const orgs = jobs.map((job) => job.orgId);
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
      'm.updated_at as config_updated_at',
      // The database's clock as this row is read: should its lock have waited for another
      // verifier's change, Postgres reads the row again, and this clock, after that one committed.
      sql<Date>`clock_timestamp()`.as('read_at'),
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
          .select(windowTimeColumns.map((c) => `w.${c}` as const))
          .whereRef('wm.monitor_id', '=', 's.monitor_id')
          .whereRef('wm.org_id', '=', 's.org_id')
          .where((w) =>
            w.or([w('s.consumed_through', 'is', null), w('w.ends_at', '>', w.ref('s.consumed_through'))]),
          )
          .orderBy('w.starts_at')
          .limit(200),
      ).as('maintenance'),
    ])
    .where(sql<boolean>`(s.monitor_id, s.org_id) IN (SELECT * FROM unnest(${ids}::uuid[], ${orgs}::uuid[]))`)
    .orderBy('s.monitor_id')
    .forUpdate('s')
    .execute();
}

type LoadedState = Awaited<ReturnType<typeof loadStates>>[number];

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Decides one monitor from what was loaded (core's `decideMonitor`); what to write back is returned, not written. */
function decide(
  row: LoadedState,
  nowMs: number,
  policy: VerifyPolicy,
  late: readonly LateResult[],
  memory: VerifierMemory,
): { run: VerifyRun; update: StateUpdate | null; regionEvents: RegionEvent[] } {
  const through = row.consumed_through;
  // JSON carries timestamps as text. Only what is after consumed_through as locked counts.
  const results = row.results
    .map((r) =>
      toStoredResult({ ...r, scheduled_at: new Date(r.scheduled_at), checked_at: new Date(r.checked_at) }),
    )
    .filter((r) => through === null || r.scheduledAtMs > through.getTime());
  // Recurring windows count by their occurrences around the results being judged.
  const times = results.map((r) => r.scheduledAtMs);
  const [from, to] = [Math.min(nowMs, ...times), Math.max(nowMs, ...times) + 1];
  const maintenance: MaintenanceSpan[] = row.maintenance.flatMap((w) =>
    maintenanceOccurrences(windowRule(w), from, to),
  );
  const decision = decideMonitor({
    monitorId: row.monitor_id,
    state: {
      status: row.status,
      sinceMs: row.since ? row.since.getTime() : null,
      memory,
      consumedThroughMs: through ? through.getTime() : null,
    },
    config: row.config,
    results,
    truncated: row.results.length === RESULT_BATCH,
    maintenance,
    deploymentRegions: policy.deploymentRegions,
    latenessMs: policy.latenessMs,
    nowMs,
    late,
  });
  const { outcome, next } = decision;
  const run: VerifyRun = outcome
    ? {
        config: row.config,
        configVersion: row.config_updated_at.getTime(),
        steps: outcome.steps,
        alerts: [],
        confirmation: outcome.confirmation,
        held: outcome.held,
        inconclusive: outcome.inconclusive,
        late: [...late],
        regionNotices: [],
        more: decision.more,
        decidedAtMs: nowMs,
      }
    : { ...idle(nowMs), late: [...late] };
  const regionEvents = outcome?.regionEvents ?? [];
  if (!next) return { run, update: null, regionEvents };
  const { last } = next;
  const update: StateUpdate = {
    monitor_id: row.monitor_id,
    org_id: row.org_id,
    status: next.status,
    since: dateOrNull(next.sinceMs),
    machine: next.memory,
    consumed_through: dateOrNull(next.consumedThroughMs),
    wake_at: dateOrNull(next.memory.wakeAtMs),
    updated_at: new Date(nowMs),
    has_last: last !== null,
    last_checked_at: last ? new Date(last.checkedAtMs) : null,
    last_latency_ms: last ? last.latencyMs : null,
    last_error: last ? last.error : null,
  };
  return { run, update, regionEvents };
}

/** How verifications judge: where the deployment runs, and how late a result may be. */
export interface VerifyPolicy {
  deploymentRegions: readonly string[];
  latenessMs: number;
}

/** The batch as the dependency step sees it: each monitor's status as written, notices and alerts. */
function settledOf(rows: LoadedState[], runs: Map<string, VerifyRun>, updates: StateUpdate[]) {
  const written = new Map(updates.map((u) => [u.monitor_id, u.status]));
  return rows.flatMap((row) => {
    const run = runs.get(`${row.org_id}/${row.monitor_id}`);
    if (!run) return [];
    const notices = run.steps.flatMap((step) => (step.notice ? [step.notice] : []));
    const status = written.get(row.monitor_id) ?? row.status;
    return [{ orgId: row.org_id, monitorId: row.monitor_id, status, notices, alerts: run.alerts }];
  });
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
      wake_at = v.wake_at,
      updated_at = v.updated_at,
      last_checked_at = CASE WHEN v.has_last THEN v.last_checked_at ELSE s.last_checked_at END,
      last_latency_ms = CASE WHEN v.has_last THEN v.last_latency_ms ELSE s.last_latency_ms END,
      last_error = CASE WHEN v.has_last THEN v.last_error ELSE s.last_error END
    FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(
      monitor_id uuid, org_id uuid, status text, since timestamptz, machine jsonb,
      consumed_through timestamptz, wake_at timestamptz, updated_at timestamptz, has_last boolean,
      last_checked_at timestamptz, last_latency_ms integer, last_error jsonb
    )
    WHERE s.monitor_id = v.monitor_id AND s.org_id = v.org_id
  `.execute(trx);
}

/**
 * Verifies a batch of monitors (each at most once) in ONE transaction: locks their state rows in
 * monitor order, feeds each its unconsumed results, records incidents and alerts, and writes every
 * state row in one statement. The row locks make concurrent verifiers decide one after the other;
 * consumed_through makes a replay a no-op. Runs are returned in the order of `jobs`. Deadlines are
 * judged at `atMs`, or by the database's clock (read with the locked rows) when it is null.
 */
export async function verifyMonitors(
  db: Db,
  jobs: readonly VerifyJob[],
  atMs: number | null,
  deploymentRegions: readonly string[],
  latenessMs: number = defaultResultLatenessMs(),
  oncall?: OncallSettings,
): Promise<VerifyRun[]> {
  if (jobs.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const rows = await loadStates(trx, jobs);
    // Every verifier decides by the database's clock, whatever its own says: the latest reading of
    // the load, never before the time another verifier decided these monitors at (a row it changed
    // meanwhile is read again after its commit). No extra round trip.
    const nowMs =
      atMs ??
      (rows.length > 0
        ? Math.max(...rows.map((row) => row.read_at.getTime()))
        : (await databaseNow(trx)).getTime());
    const runs = new Map<string, VerifyRun>();
    const updates: StateUpdate[] = [];
    const regionEvents: { orgId: string; run: VerifyRun; event: RegionEvent }[] = [];
    for (const row of rows) {
      const monitor = { orgId: row.org_id, monitorId: row.monitor_id };
      // Counted before deciding: a late result shows its region reports, which may restore it.
      const memory = readVerifierMemory(row.machine);
      const late = await countLateResults(trx, monitor, memory.gaps);
      const {
        run,
        update,
        regionEvents: events,
      } = decide(row, nowMs, { deploymentRegions, latenessMs }, late, memory);
      if (update) updates.push(update);
      regionEvents.push(...events.map((event) => ({ orgId: row.org_id, run, event })));
      for (const step of run.steps) {
        if (!step.notice || !run.config) continue;
        run.alerts.push(
          ...(await recordNotice(trx, {
            orgId: row.org_id,
            monitorId: row.monitor_id,
            config: run.config,
            notice: step.notice,
            ...(oncall ? { oncall } : {}),
          })),
        );
      }
      runs.set(`${row.org_id}/${row.monitor_id}`, run);
    }
    // Parents and groups: after every monitor of the batch is decided, before the region locks.
    await settleDependencies(trx, settledOf(rows, runs, updates), nowMs);
    // Region locks after every row lock, in one order: verifiers never wait on each other in a cycle.
    regionEvents.sort((a, b) => (`${a.orgId}/${a.event.region}` < `${b.orgId}/${b.event.region}` ? -1 : 1));
    for (const { orgId, run, event } of regionEvents) {
      run.regionNotices.push(...(await recordRegionNotices(trx, orgId, [event])));
    }
    await writeStates(trx, updates);
    return jobs.map((job) => runs.get(`${job.orgId}/${job.monitorId}`) ?? idle(nowMs));
  });
}

/** One verification of one monitor: `verifyMonitors` with a batch of one. */
export async function verifyMonitor(
  db: Db,
  job: VerifyJob,
  atMs: number | null,
  deploymentRegions: readonly string[],
  latenessMs?: number,
): Promise<VerifyRun> {
  const [run] = await verifyMonitors(db, [job], atMs, deploymentRegions, latenessMs);
  return run ?? idle(atMs ?? Date.now());
}
