import { announce, flapPolicyFor, type Notice } from './announcer';
import { isSilent, type RegionEvent, reportedLate } from './region-liveness';
import { type Gaps, pruneGaps, recordGaps, resultDeadlineMs, slotsMissingBetween } from './result-lateness';
import type { MonitorStatus } from './schemas/monitor';
import {
  advance,
  type ConfirmationRequest,
  type MachineConfig,
  type Transition,
  type Verdict,
} from './state-machine';
import { compareResults, groupBySlot, type SlotResult, slotVerdict } from './verdict';
import { confirmationDeadlineMs, type ProbeProblem, type VerifierMemory } from './verifier-memory';

/** A maintenance window, epoch ms, start inclusive and end exclusive. */
export interface MaintenanceSpan {
  startMs: number;
  endMs: number;
}

export interface VerifyConfig extends MachineConfig {
  timeoutMs: number;
  /** How late past its timeout a result may arrive and still be judged in slot order. */
  latenessMs: number;
  /** The monitor's interval; sets the flap policy and region silence (default 60). */
  intervalSeconds?: number;
  /** The monitor: with it, its planned slots are known, and a later slot waits for an earlier one. */
  monitorId?: string;
  /** Regions each slot is expected from; a slot waits for all of them until its deadline. */
  expectedRegions?: readonly string[];
  /** Regions that must fail for a failed slot; null or absent for a majority. */
  quorum?: number | null;
  /** Maintenance windows of the monitor around the results being consumed. */
  maintenance?: readonly MaintenanceSpan[];
}

export interface VerifyStep {
  verdict: Verdict;
  transition: Transition | null;
  /** What to tell the channels about this verdict, if anything. */
  notice: Notice | null;
  /** The monitor's status to show after this verdict. */
  display: MonitorStatus;
  /** The probe problem going on after this verdict, if any. */
  probeProblem: ProbeProblem | null;
}

export interface ConsumeOutcome<R extends SlotResult> {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  /** Results consumed by this run, in slot order. */
  consumed: R[];
  steps: VerifyStep[];
  /** A confirmation re-check asked for by this run and still awaited: the caller enqueues it. */
  confirmation: ConfirmationRequest | null;
  /** Results held back behind an awaited confirmation, an earlier slot or a slot still missing regions. */
  held: number;
  /** Slots consumed while a live expected region was still missing: no verdict, no transition. */
  inconclusive: number;
  /** Regions this monitor declared degraded or saw report again. */
  regionEvents: RegionEvent[];
}

function isAwaited(head: SlotResult, awaiting: ConfirmationRequest): boolean {
  return head.kind === 'confirmation' && head.scheduledAtMs === awaiting.scheduledAtMs;
}

function nextProbeProblem(
  previous: ProbeProblem | null,
  verdict: Verdict,
  atMs: number,
): ProbeProblem | null {
  if (!verdict.ok || !verdict.probeCause || !verdict.failedRegions?.length) return null;
  const regions = [...verdict.failedRegions].sort();
  const same = previous && previous.regions.join(',') === regions.join(',');
  return { regions, cause: verdict.probeCause, sinceMs: same ? previous.sinceMs : atMs, lastMs: atMs };
}

/** Which expected regions a slot lacks, and which of those are (now) degraded, with the events that changes. */
function liveness(
  memory: VerifierMemory,
  group: readonly SlotResult[],
  expected: readonly string[],
  at: { nowMs: number; intervalMs: number; tailMs: number },
) {
  const present = [...new Set(group.map((r) => r.region))];
  const missing = expected.filter((region) => !present.includes(region));
  const head = group[0] as SlotResult;
  const seen = { ...memory.seen };
  // A region never seen counts as silent from the slot before the first one judged without it.
  for (const region of missing) seen[region] ??= head.scheduledAtMs - at.intervalMs;
  const events: RegionEvent[] = [];
  const degraded = memory.degraded.filter((region) => expected.includes(region));
  for (const region of present.filter((r) => degraded.includes(r))) {
    events.push({ region, event: 'region.restored', atMs: at.nowMs });
  }
  const stillDegraded = degraded.filter((region) => !present.includes(region));
  for (const region of missing) {
    if (stillDegraded.includes(region)) continue;
    if (isSilent(seen[region] ?? head.scheduledAtMs, at.nowMs, at.intervalMs, at.tailMs)) {
      stillDegraded.push(region);
      events.push({ region, event: 'region.degraded', atMs: at.nowMs });
    }
  }
  const liveMissing = missing.filter((region) => !stillDegraded.includes(region));
  return { present, missing, liveMissing, degraded: stillDegraded.sort(), seen, events };
}

/**
 * Feeds unconsumed results to the state machine in slot order. Results at or before
 * `consumedThroughMs` are ignored. A slot waits, until its deadline (planned time, timeout and
 * allowed lateness), for its live expected regions and for an earlier planned slot with no result
 * yet; results at or after an awaited confirmation wait for it. A slot decided while a live region
 * is missing is inconclusive; a region silent for two intervals past its deadline is degraded and
 * the quorum is taken over the live ones, until a result of its own (judged, or late) shows it
 * reports again. Transitions are stamped with the deciding slot's planned time; a failure decided
 * after its confirmation's planned time asks for none.
 */
export function consumeResults<R extends SlotResult>(input: {
  memory: VerifierMemory;
  consumedThroughMs: number | null;
  results: readonly R[];
  config: VerifyConfig;
  nowMs: number;
  /** Results found this run behind the judged slots (counted late): they show their region reports. */
  late?: readonly { region: string; scheduledAtMs: number }[];
}): ConsumeOutcome<R> {
  const { config, nowMs } = input;
  const expected = config.expectedRegions ?? [];
  const intervalSeconds = config.intervalSeconds ?? 60;
  const policy = flapPolicyFor(intervalSeconds);
  const tailMs = config.timeoutMs + config.latenessMs;
  const deadline = (scheduledAtMs: number) =>
    resultDeadlineMs(scheduledAtMs, config.timeoutMs, config.latenessMs);
  const awaitedDeadline = (awaiting: ConfirmationRequest) =>
    confirmationDeadlineMs(awaiting, config.timeoutMs, config.latenessMs);
  const start = input.consumedThroughMs;
  const fresh = input.results.filter((r) => start === null || r.scheduledAtMs > start).sort(compareResults);
  const intervalMs = intervalSeconds * 1000;
  const reported = reportedLate(input.memory, input.late ?? [], { nowMs, intervalMs, tailMs });
  let memory: VerifierMemory = { ...input.memory, seen: reported.seen, degraded: reported.degraded };
  let through = start;
  let requested: ConfirmationRequest | null = null;
  let waitUntilMs: number | null = null;
  let inconclusive = 0;
  const consumed: R[] = [];
  const steps: VerifyStep[] = [];
  const regionEvents: RegionEvent[] = [...reported.events];
  let gaps: Gaps = memory.gaps;

  for (const group of groupBySlot(fresh)) {
    const head = group[0] as R;
    if (head.kind === 'scheduled' && config.monitorId && memory.lastSlotMs !== null) {
      // Out of order: an earlier planned slot with nothing yet holds this one while it may still come.
      const skipped = slotsMissingBetween(
        config.monitorId,
        intervalSeconds,
        memory.lastSlotMs,
        head.scheduledAtMs,
      );
      if (skipped && nowMs <= deadline(skipped.lastMs)) {
        waitUntilMs = deadline(skipped.lastMs);
        break;
      }
      if (skipped) gaps = recordGaps(gaps, { fromMs: skipped.firstMs, toMs: skipped.lastMs }, expected, []);
    }
    const live = liveness(memory, group, expected, { nowMs, intervalMs, tailMs });
    if (live.liveMissing.length > 0 && nowMs <= deadline(head.scheduledAtMs)) {
      waitUntilMs = deadline(head.scheduledAtMs);
      break;
    }
    const awaiting = memory.awaiting;
    if (awaiting && isAwaited(head, awaiting)) {
      memory = { ...memory, awaiting: null };
    } else if (awaiting && head.scheduledAtMs >= awaiting.scheduledAtMs) {
      if (nowMs <= awaitedDeadline(awaiting)) break;
      memory = { ...memory, awaiting: null };
    }
    regionEvents.push(...live.events);
    gaps = recordGaps(
      gaps,
      { fromMs: head.scheduledAtMs, toMs: head.scheduledAtMs },
      live.missing,
      live.present,
    );
    const seen = { ...live.seen };
    for (const region of live.present) seen[region] = Math.max(seen[region] ?? 0, head.scheduledAtMs);
    memory = {
      ...memory,
      seen,
      degraded: live.degraded,
      lastSlotMs: head.kind === 'scheduled' ? head.scheduledAtMs : memory.lastSlotMs,
    };
    consumed.push(...group);
    through = head.scheduledAtMs;
    if (live.liveMissing.length > 0) {
      // Inconclusive: a live region is still missing. It neither opens nor resolves anything.
      inconclusive += 1;
      continue;
    }

    const { awaiting: stillAwaiting, announced, flips, downCause, wakeAtMs, probeProblem, ...rest } = memory;
    const { lastSlotMs, seen: _seen, degraded, gaps: _gaps, ...machine } = rest;
    const verdict = slotVerdict(group, {
      expectedRegions: expected.length - live.missing.length,
      quorum: config.quorum ?? null,
      missingRegions: live.missing,
    });
    // Stamped with the slot's planned time, not a worker's clock: events stay in slot order.
    const atMs = head.scheduledAtMs;
    const decision = advance(machine, verdict, config, atMs);
    const told = announce(
      { announced, flips, downCause },
      {
        machine: decision.state,
        transition: decision.transition,
        verdict,
        atMs,
        inMaintenance: (config.maintenance ?? []).some(
          (w) => w.startMs <= head.scheduledAtMs && head.scheduledAtMs < w.endMs,
        ),
        policy,
      },
    );
    const probe = nextProbeProblem(probeProblem, verdict, atMs);
    // A slot decided after its confirmation's planned time (it waited for an earlier slot, or a
    // backlog): a re-check run now would describe now, not then; the next slots confirm instead.
    const confirmation =
      decision.confirmation && nowMs < decision.confirmation.scheduledAtMs ? decision.confirmation : null;
    memory = {
      ...memory,
      ...decision.state,
      ...told.state,
      awaiting: confirmation ?? stillAwaiting,
      wakeAtMs,
      probeProblem: probe,
      lastSlotMs,
      degraded,
    };
    if (confirmation) requested = confirmation;
    steps.push({
      verdict,
      transition: decision.transition,
      notice: told.notice,
      display: told.display,
      probeProblem: probe,
    });
  }

  const held = fresh.length - consumed.length;
  if (memory.awaiting && held === 0 && nowMs > awaitedDeadline(memory.awaiting)) {
    memory = { ...memory, awaiting: null };
  }
  let wake: number | null = null;
  if (memory.awaiting) wake = awaitedDeadline(memory.awaiting);
  else if (waitUntilMs !== null) wake = waitUntilMs;
  memory = { ...memory, wakeAtMs: wake, gaps: pruneGaps(gaps, through) };
  // Asked for and then given up within this same run (a backlog long past): not worth enqueuing.
  const confirmation = requested && memory.awaiting === requested ? requested : null;
  return {
    memory,
    consumedThroughMs: through,
    consumed,
    steps,
    confirmation,
    held,
    inconclusive,
    regionEvents,
  };
}
