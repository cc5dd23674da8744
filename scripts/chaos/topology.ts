import type { Db } from '@sentinelmesh/db';
import { waitFor } from '@sentinelmesh/stack/wait';
import { sql } from 'kysely';
import {
  arrivalsByRegion,
  behindVerifier,
  checkedBeforeSlot,
  counterByLabel,
  installArrivalLog,
  lateCounts,
  type RegionArrivals,
  reorderedArrivals,
} from './arrivals';
import { type Delivery, startReceiver, startTargets } from './fixtures';
import {
  allUp,
  ChaosStack,
  clockOffsetEnv,
  freeOpsPortBase,
  pendingAlerts,
  processTree,
  seed,
  signalAll,
  sleep,
  storedAlerts,
} from './harness';
import { type AlertFindings, alertFindings, resultTimeline } from './invariants';

export interface TopologyOptions {
  monitors: number;
  intervalSeconds: number;
  /** The first region's targets blip now and then; the second region's workers are stopped and killed. */
  regions: [string, string];
  /** How late a result may be and still be judged: the verifier's RESULT_LATENESS_MS. */
  latenessSeconds: number;
  /** How long one of the second region's two replicas is SIGSTOPped (longer than the 10 s job lock). */
  replicaStopSeconds: number;
  /** How long the postmaster and every backend are SIGSTOPped. */
  postgresPauseSeconds: number;
  /** How far ahead of true time one of the first region's workers runs. */
  clockAheadSeconds: number;
  /** How long each scripted real outage (every region's target down) lasts. */
  outageSeconds: number;
  log: (line: string) => void;
}

export interface OutageFinding {
  index: number;
  startOffset: number;
  endOffset: number;
  /** Distinct alert ids delivered for the monitor, by event. */
  downs: number;
  ups: number;
  /** The outage falls while the second region is out: only the live region can see it. */
  regionOut: boolean;
  cause: string | null;
  /** What the database holds of an outage not alerted once each way. */
  timeline: string | null;
}

export interface TopologyReport {
  regions: [string, string];
  outages: OutageFinding[];
  /** Down alerts of monitors that only blipped (one region, one slot), with what the database holds. */
  falseAlerts: string[];
  blips: { served: number; byRegion: Record<string, number> };
  /** Scheduled results stamped before their slot, by region (the worker whose clock is ahead). */
  checkedEarly: Record<string, { n: number; maxMs: number }>;
  arrivals: Record<string, RegionArrivals>;
  /** `sentinel_results_late_total` by region; null when the verifier does not export it. */
  countedLate: Record<string, number> | null;
  /** `late_results` rows by region, read with `countedLate` as one pair; null without the table. */
  lateRows: Record<string, number> | null;
  /** Writes that landed after a later slot's (same monitor and region): all, and in the 10 s after the Postgres pause. */
  reordered: { total: number; afterPause: number };
  /** `region_notices` rows by `<region> <event>`; null when the table does not exist. */
  notices: Record<string, number> | null;
  /** `sentinel_region_degraded_total` by region; null when the verifier does not export it. */
  degradedMetric: Record<string, number> | null;
  /** The verifier consumed every monitor's results up to the end of the chaos. */
  caughtUp: boolean;
  stored: { incidents: number; alerts: Record<string, number> };
  alerts: AlertFindings;
  events: string[];
  deliveries: Delivery[];
}

/**
 * The scenario as the short run and `pnpm chaos` run it. The lateness is the verifier's default for
 * the 10 s job lock (two lock periods to find a stalled job and run it again, 5 s to write it).
 */
export const topologyDefaults: Omit<TopologyOptions, 'monitors' | 'log'> = {
  intervalSeconds: 2,
  regions: ['east', 'west'],
  latenessSeconds: 25,
  replicaStopSeconds: 14,
  postgresPauseSeconds: 6,
  clockAheadSeconds: 5,
  outageSeconds: 6,
};

/** The launcher's ops ports: scheduler +1, verifier +3, the region workers +10 and +11. */
const OPS_OFFSETS = [1, 3, 10, 11];
const VERIFIER_OPS_OFFSET = 3;
/** The faulty (second) region's launcher worker. */
const FAULTY_WORKER_OPS_OFFSET = 11;
/** How long the replica stop waits for the killed replica to be ready again. */
const MAX_REPLICA_WAIT_MS = 15_000;

const httpReady = (url: string) =>
  fetch(url)
    .then((r) => r.ok)
    .catch(() => false);

/** The run's timeline in seconds from the start of the chaos, derived from the options. */
export function topologyPlan(opts: TopologyOptions) {
  const I = opts.intervalSeconds;
  const O = opts.outageSeconds;
  const kill = 2;
  const replicaStop = { at: 4, for: opts.replicaStopSeconds };
  const pause = { at: replicaStop.at + replicaStop.for + 2, for: opts.postgresPauseSeconds };
  const regionAt = pause.at + pause.for + 2;
  // Degraded once silent for 2 intervals + the check timeout (1 s) + the allowed lateness; an outage
  // after that is seen by one region only.
  const regionOutageAt = regionAt + 2 * I + 1 + opts.latenessSeconds + 2 * I;
  const region = { at: regionAt, for: regionOutageAt + O + I - regionAt };
  const regionEnd = region.at + region.for;
  const outages = [
    { at: kill + 1, regionOut: false },
    { at: replicaStop.at + 4, regionOut: false },
    { at: pause.at - 2, regionOut: false },
    { at: regionOutageAt, regionOut: true },
    { at: regionEnd + 2 * I, regionOut: false },
  ].map((o) => ({ ...o, end: o.at + O }));
  // After the region is back (its workers need a few seconds to report again), blips of two checks
  // resume: the last ones test that it was restored.
  const twoCheckBlipsFrom = regionEnd + 8;
  const duration = Math.max((outages.at(-1)?.end ?? 0) + 2 * I, twoCheckBlipsFrom + 6);
  return { kill, replicaStop, pause, region, outages, twoCheckBlipsFrom, duration };
}

async function regionNotices(db: Db): Promise<Record<string, number> | null> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('region_notices')::text AS t`.execute(db);
  if (!exists.rows[0]?.t) return null;
  const { rows } = await sql<{ key: string; n: number }>`
    SELECT region || ' ' || event AS key, count(*)::int AS n FROM region_notices GROUP BY 1 ORDER BY 1
  `.execute(db);
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

/**
 * Two regions with two worker replicas each, one of them with its clock ahead. One region's
 * replicas are SIGKILLed and SIGSTOPped past the job lock while the other region's targets fail for
 * a single check now and then; Postgres is paused long enough to reorder writes; then that region's
 * workers all stop for longer than it takes to declare it degraded. Real outages (every region's
 * target down) are scripted through each phase. Then: were blips silent, real outages alerted once
 * each way, late results counted, and the dead region named once?
 */
export async function runTopologyChaos(opts: TopologyOptions): Promise<TopologyReport> {
  const [steady, faulty] = opts.regions;
  const plan = topologyPlan(opts);
  const down = new Set<number>();
  const failNext = new Map<string, number>();
  const targets = await startTargets(down, failNext);
  const receiver = await startReceiver();
  const opsBase = await freeOpsPortBase(OPS_OFFSETS);
  const chaos = new ChaosStack({
    regions: [...opts.regions],
    opsPortBase: opsBase,
    env: { RESULT_LATENESS_MS: String(opts.latenessSeconds * 1000) },
  });
  const events: string[] = [];
  const note = (line: string) => {
    events.push(line);
    opts.log(line);
  };
  const stopped = new Set<number>();
  const cleanup = () => {
    signalAll([...stopped], 'SIGCONT');
    return Promise.all([targets.close(), receiver.close()]);
  };
  return chaos.run(opts.log, cleanup, async () => {
    const { db, stack } = await chaos.start();
    await installArrivalLog(db);
    const ids = await seed(db, chaos.box, opts, targets.url, `${receiver.url}/hook`);
    await chaos.announce(ids);
    chaos.spawn('worker', { REGION: steady, ...clockOffsetEnv(opts.clockAheadSeconds) });
    const replica = chaos.spawn('worker', { REGION: faulty });
    await waitFor('every monitor to be up', () => allUp(db, ids.length), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    note(
      `all ${ids.length} monitors up; 2 regions x 2 workers (one ${opts.clockAheadSeconds} s ahead); chaos for ${plan.duration} s`,
    );

    const outageIndexes = plan.outages.map((_, i) => i);
    const blipIndexes = ids.map((_, i) => i).filter((i) => i >= plan.outages.length);
    const startAt = Date.now();
    const at = (seconds: number) => startAt + seconds * 1000;
    const stackWorker = () => stack.pids()[`worker-${faulty}`] ?? null;
    const faultyReadyUrl = `http://127.0.0.1:${opsBase + FAULTY_WORKER_OPS_OFFSET}/ready`;
    const actions: Array<{ atMs: number; run: () => void }> = [];
    const schedule = (seconds: number, run: () => void) => actions.push({ atMs: at(seconds), run });
    const elapsed = () => `t+${((Date.now() - startAt) / 1000).toFixed(0)}s`;
    const stop = (pids: number[]) => {
      signalAll(pids, 'SIGSTOP');
      for (const pid of pids) stopped.add(pid);
    };
    const resume = (pids: number[]) => {
      signalAll(pids, 'SIGCONT');
      for (const pid of pids) stopped.delete(pid);
    };

    plan.outages.forEach((o, i) => {
      schedule(o.at, () => down.add(i));
      schedule(o.end, () => down.delete(i));
    });
    schedule(plan.kill, () => {
      signalAll([stackWorker() ?? 0], 'SIGKILL');
      note(`${elapsed()} SIGKILL a ${faulty} replica`);
    });
    // One replica at a time: the other is stopped only once the killed one is back and ready (on a
    // loaded machine its restart takes seconds), else the whole region would be out and an outage
    // then could not be confirmed by it. The stop lasts its full time from when it begins.
    const killedBackAt = (async () => {
      await sleep((plan.replicaStop.at - 0.5) * 1000 - (Date.now() - startAt));
      const waited = await waitFor('the killed replica to be ready again', () => httpReady(faultyReadyUrl), {
        timeoutMs: MAX_REPLICA_WAIT_MS,
        intervalMs: 200,
      })
        .then(() => true)
        .catch(() => false);
      actions.push({
        atMs: Math.max(Date.now(), at(plan.replicaStop.at)),
        run: () => {
          stop([replica.pid ?? 0]);
          note(
            `${elapsed()} SIGSTOP a ${faulty} replica for ${plan.replicaStop.for} s${waited ? '' : ' (the killed one is not back)'}`,
          );
          actions.push({
            atMs: Date.now() + plan.replicaStop.for * 1000,
            run: () => {
              resume([replica.pid ?? 0]);
              note(`${elapsed()} SIGCONT the ${faulty} replica`);
            },
          });
          actions.sort((a, b) => a.atMs - b.atMs);
        },
      });
      actions.sort((a, b) => a.atMs - b.atMs);
    })();
    let pausedPostgres: number[] = [];
    schedule(plan.pause.at, () => {
      const postmaster = stack.pids().postgres;
      // The postmaster first, so that it forks no backend the stop would miss.
      pausedPostgres = postmaster ? processTree(postmaster) : [];
      stop(pausedPostgres);
      note(`${elapsed()} SIGSTOP postgres (${pausedPostgres.length} processes) for ${plan.pause.for} s`);
    });
    schedule(plan.pause.at + plan.pause.for, () => {
      resume([...pausedPostgres].reverse());
      note(`${elapsed()} SIGCONT postgres`);
    });
    let regionPids: number[] = [];
    schedule(plan.region.at, () => {
      regionPids = [stackWorker() ?? 0, replica.pid ?? 0].filter((pid) => pid > 0);
      stop(regionPids);
      note(`${elapsed()} SIGSTOP every ${faulty} worker (${regionPids.length}) for ${plan.region.for} s`);
    });
    schedule(plan.region.at + plan.region.for, () => {
      resume(regionPids);
      note(`${elapsed()} SIGCONT every ${faulty} worker`);
    });
    actions.sort((a, b) => a.atMs - b.atMs);

    // A blip: the steady region's next two checks of one monitor fail (a slot and the re-check it
    // asks for), the other region's pass. While the faulty region is out (and until it reports
    // again), the steady one is every live region and two failures would rightly page: a blip is
    // then its next check alone.
    // A blip is used up within two checks (4 s), but its slots may be judged only after the
    // region is out: stop two-check blips 4 intervals before it goes.
    const quietFrom = at(plan.region.at - 4 * opts.intervalSeconds);
    const quietTo = at(plan.twoCheckBlipsFrom);
    const lastBlip = new Map<number, number>();
    let nextBlip = Date.now();
    while (Date.now() < at(plan.duration)) {
      while (actions[0] && actions[0].atMs <= Date.now()) actions.shift()?.run();
      if (Date.now() >= nextBlip) {
        const calm = blipIndexes.filter(
          (i) => Date.now() - (lastBlip.get(i) ?? 0) > 4 * opts.intervalSeconds * 1000,
        );
        const pick = calm[Math.floor(Math.random() * calm.length)];
        if (pick !== undefined) {
          const regionOut = Date.now() >= quietFrom && Date.now() < quietTo;
          failNext.set(`${pick}@${steady}`, regionOut ? 1 : 2);
          lastBlip.set(pick, Date.now());
        }
        nextBlip = Date.now() + 1_000;
      }
      await sleep(100);
    }
    await killedBackAt;
    for (const action of actions) action.run();
    const endAt = Date.now();
    down.clear();
    failNext.clear();
    note(`chaos over; ${targets.blips.length} blips served; waiting for the verifier to catch up`);
    await waitFor(
      'every monitor up, every alert delivered and every result consumed',
      async () =>
        (await allUp(db, ids.length)) &&
        (await pendingAlerts(db)) === 0 &&
        (await behindVerifier(db, endAt)) === 0,
      { timeoutMs: 40_000, intervalMs: 1_000 },
    ).catch((error: Error) => note(error.message));
    const caughtUp = (await behindVerifier(db, endAt)) === 0;

    const scrape = () =>
      fetch(`http://127.0.0.1:${opsBase + VERIFIER_OPS_OFFSET}/metrics`).then((r) => r.text());
    const metrics = await scrape();
    const late = await lateCounts(db, scrape);
    const firsts = [...new Map(receiver.deliveries.map((d) => [d.id, d])).values()];
    const timeline = (monitorId: string, fromMs: number, toMs: number) =>
      resultTimeline(db, monitorId, fromMs, toMs, startAt).then((lines) => lines.join('\n  '));
    const outages: OutageFinding[] = plan.outages.map((o, i) => {
      const mine = firsts.filter((d) => d.monitorId === ids[i]);
      const downAlert = mine.find((d) => d.event === 'monitor.down');
      return {
        index: i,
        startOffset: o.at,
        endOffset: o.end,
        downs: mine.filter((d) => d.event === 'monitor.down').length,
        ups: mine.filter((d) => d.event === 'monitor.up').length,
        regionOut: o.regionOut,
        cause: downAlert?.cause ?? null,
        timeline: null,
      };
    });
    for (const o of outages.filter((x) => x.downs !== 1 || x.ups !== 1)) {
      o.timeline = await timeline(ids[o.index] ?? '', at(o.startOffset - 4), at(o.endOffset + 6));
    }
    const falseAlerts: string[] = [];
    for (const d of firsts.filter((x) => x.event === 'monitor.down')) {
      const index = ids.indexOf(d.monitorId);
      if (outageIndexes.includes(index)) continue;
      const occurred = Date.parse(d.occurredAt);
      const lines = await timeline(d.monitorId, occurred - 20_000, occurred + 4_000);
      falseAlerts.push(
        `monitor ${index} DOWN at t+${((occurred - startAt) / 1000).toFixed(1)}s (${d.cause ?? 'no cause'}):\n  ${lines}`,
      );
    }
    const byRegion: Record<string, number> = {};
    for (const b of targets.blips) byRegion[b.region] = (byRegion[b.region] ?? 0) + 1;
    const pauseEnd = at(plan.pause.at + plan.pause.for);
    const reordered = await reorderedArrivals(db, pauseEnd, pauseEnd + 10_000);
    return {
      regions: opts.regions,
      outages,
      falseAlerts,
      blips: { served: targets.blips.length, byRegion },
      checkedEarly: await checkedBeforeSlot(db),
      arrivals: await arrivalsByRegion(db),
      countedLate: late.metric,
      lateRows: late.rows,
      reordered: { total: reordered.total, afterPause: reordered.inWindow },
      notices: await regionNotices(db),
      degradedMetric: counterByLabel(metrics, 'sentinel_region_degraded_total', 'region'),
      caughtUp,
      stored: await storedAlerts(db),
      alerts: alertFindings(receiver.deliveries),
      events,
      deliveries: receiver.deliveries,
    };
  });
}
