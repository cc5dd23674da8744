import type { ChildProcess } from 'node:child_process';
import { defaultResultLatenessMs, shardLeaseKey } from '@sentinelmesh/core';
import { waitFor } from '@sentinelmesh/stack/wait';
import type { Redis } from 'ioredis';
import { type Delivery, startReceiver, startTargets } from './fixtures';
import { allUp, ChaosStack, PREFIX, pendingAlerts, seed, sleep, storedAlerts } from './harness';
import {
  type AlertFindings,
  alertFindings,
  type Coverage,
  regionsMissingOutage,
  resultTimeline,
  slotCoverage,
} from './invariants';

/** A check that ran this long after its planned time (1 s timeout + 2 s) saw the target later than its slot. */
const ON_TIME_MS = 3_000;

export interface ChaosOptions {
  monitors: number;
  intervalSeconds: number;
  durationSeconds: number;
  /** A random app process is SIGKILLed this often. */
  killEverySeconds: number;
  regions: string[];
  /** SIGKILL Redis once (a third of the way in) and Postgres once (two thirds in). */
  killServices: boolean;
  /** Extra scheduler processes beside the launcher's; one of them is SIGKILLed halfway. */
  extraSchedulers: number;
  /** SIGSTOP an extra worker for longer than BullMQ's job lock, then SIGCONT it. */
  stopWorkerSeconds: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  /** What the database holds: incidents opened, and alerts by event and status. */
  stored: { incidents: number; alerts: Record<string, number> };
  coverage: Coverage;
  alerts: AlertFindings;
  /** Scripted outages; those no quorum of regions saw on time (a region dark through them) apart. */
  outages: { scripted: number; alerted: number; unobserved: number };
  /** The killed extra scheduler: how many shards it held and how long until others held them all. */
  failover: { shards: number; movedAfterSeconds: number } | null;
  /** For each outage that was not alerted: its window and what the database holds of it. */
  unalerted: string[];
  unobserved: string[];
  events: string[];
  deliveries: Delivery[];
}

const SHARDS = 16;

/** Who holds each shard's lease (`<scheduler id>/<token>`), null where nobody does. */
function leaseHolders(redis: Redis): Promise<(string | null)[]> {
  return redis.mget(...Array.from({ length: SHARDS }, (_, shard) => shardLeaseKey(PREFIX, shard)));
}

/** Runs monitors through scripted outages while processes are killed, then checks the invariants. */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const down = new Set<number>();
  const targets = await startTargets(down);
  const receiver = await startReceiver();
  const chaos = new ChaosStack({ regions: opts.regions });
  const extras: ChildProcess[] = [];
  const events: string[] = [];
  const note = (line: string) => {
    events.push(line);
    opts.log(line);
  };
  let failover: ChaosReport['failover'] = null;
  return chaos.run(
    opts.log,
    () => Promise.all([targets.close(), receiver.close()]),
    async () => {
      const { db, redis, stack } = await chaos.start();
      const ids = await seed(db, chaos.box, opts, targets.url, `${receiver.url}/hook`);
      await chaos.announce(ids);
      for (let i = 0; i < opts.extraSchedulers; i++) {
        extras.push(chaos.spawn('scheduler', { SCHEDULER_ID: `chaos-extra-${i}` }));
      }
      const monitorsUp = () => allUp(db, ids.length);
      await waitFor('every monitor to be up', monitorsUp, { timeoutMs: 60_000, intervalMs: 500 });
      note(`all ${ids.length} monitors up; chaos for ${opts.durationSeconds} s`);

      // Scripted outages: a fifth of the monitors go down once for 12 s, spread over the run.
      const outageSeconds = 12;
      const outages = ids.slice(0, Math.max(1, Math.floor(ids.length / 5))).map((id, i, list) => ({
        id,
        index: i,
        startOffset: ((opts.durationSeconds - outageSeconds - 4) * i) / list.length + 2,
      }));
      const startAt = Date.now();
      const timers = outages.flatMap((o) => [
        setTimeout(() => down.add(o.index), o.startOffset * 1000),
        setTimeout(() => down.delete(o.index), (o.startOffset + outageSeconds) * 1000),
      ]);
      const apps = () =>
        Object.entries(stack.pids()).filter(([name]) => name !== 'postgres' && name !== 'redis');
      let nextKill = Date.now() + opts.killEverySeconds * 1000;
      let redisKilled = !opts.killServices;
      let postgresKilled = !opts.killServices;
      let schedulerKilled = opts.extraSchedulers === 0;
      let workerStopped = opts.stopWorkerSeconds === 0;
      while (Date.now() - startAt < opts.durationSeconds * 1000) {
        const elapsed = (Date.now() - startAt) / 1000;
        if (Date.now() >= nextKill) {
          const candidates = apps().filter(([, pid]) => pid);
          const [name, pid] = candidates[Math.floor(Math.random() * candidates.length)] ?? [];
          if (pid) {
            process.kill(pid, 'SIGKILL');
            note(`t+${elapsed.toFixed(0)}s SIGKILL ${name}`);
          }
          nextKill = Date.now() + opts.killEverySeconds * 1000;
        }
        if (!redisKilled && elapsed > opts.durationSeconds / 3) {
          const pid = stack.pids().redis;
          if (pid) process.kill(pid, 'SIGKILL');
          note(`t+${elapsed.toFixed(0)}s SIGKILL redis`);
          redisKilled = true;
        }
        if (!postgresKilled && elapsed > (2 * opts.durationSeconds) / 3) {
          const pid = stack.pids().postgres;
          if (pid) process.kill(pid, 'SIGKILL');
          note(`t+${elapsed.toFixed(0)}s SIGKILL postgres`);
          postgresKilled = true;
        }
        if (!schedulerKilled && elapsed > opts.durationSeconds / 2) {
          const held = (await leaseHolders(redis)).filter((h) => h?.startsWith('chaos-extra-0/')).length;
          const killedAt = Date.now();
          extras[0]?.kill('SIGKILL');
          note(`t+${elapsed.toFixed(0)}s SIGKILL an extra scheduler holding ${held} shards`);
          schedulerKilled = true;
          void waitFor(
            "the killed scheduler's shards to move",
            async () => {
              const holders = await leaseHolders(redis);
              return holders.every((h) => h !== null && !h.startsWith('chaos-extra-0/'));
            },
            { timeoutMs: 60_000, intervalMs: 100 },
          ).then(
            () => {
              failover = { shards: held, movedAfterSeconds: (Date.now() - killedAt) / 1000 };
              note(
                `the killed scheduler's ${held} shards moved in ${failover.movedAfterSeconds.toFixed(1)} s`,
              );
            },
            () => note("the killed scheduler's shards did not move within 60 s"),
          );
        }
        if (!workerStopped && elapsed > opts.durationSeconds / 4) {
          const worker = chaos.spawn('worker', { REGION: opts.regions[0] });
          await sleep(3_000);
          worker.kill('SIGSTOP');
          note(`t+${elapsed.toFixed(0)}s SIGSTOP an extra worker for ${opts.stopWorkerSeconds} s`);
          setTimeout(() => {
            worker.kill('SIGCONT');
            note('SIGCONT the stopped worker');
          }, opts.stopWorkerSeconds * 1000);
          workerStopped = true;
        }
        await sleep(250);
      }
      const endAt = Date.now();
      for (const t of timers) clearTimeout(t);
      down.clear();
      note('chaos over; waiting for every monitor to be up again and every alert to be delivered');
      await waitFor(
        'the system to settle',
        async () => (await monitorsUp()) && (await pendingAlerts(db)) === 0,
        { timeoutMs: 120_000, intervalMs: 1_000 },
      );

      // Slots a few seconds into the run and before its end, so start-up and the last in-flight checks do not count.
      const coverage = await slotCoverage(
        db,
        opts.regions,
        new Date(startAt + 2_000),
        new Date(endAt - 5_000),
      );
      const alerts = alertFindings(receiver.deliveries);
      // occurredAt is the planned time of the deciding check. One planned before the outage began
      // can run during it, late after a kill, as long as it lands within the verifier's allowed
      // lateness past its 1 s timeout: its down counts.
      const earliestPlannedMs = defaultResultLatenessMs() + 1_000;
      const wasAlerted = (o: (typeof outages)[number]) =>
        receiver.deliveries.some(
          (d) =>
            d.monitorId === o.id &&
            d.event === 'monitor.down' &&
            Date.parse(d.occurredAt) >= startAt + o.startOffset * 1000 - earliestPlannedMs &&
            Date.parse(d.occurredAt) <= startAt + (o.startOffset + outageSeconds + 15) * 1000,
        );
      const unalerted: string[] = [];
      const unobserved: string[] = [];
      for (const o of outages.filter((outage) => !wasAlerted(outage))) {
        const fromMs = startAt + o.startOffset * 1000;
        const lines = await resultTimeline(
          db,
          o.id,
          fromMs - 4_000,
          fromMs + (outageSeconds + 4) * 1000,
          startAt,
        );
        const line = `monitor ${o.index} down t+${o.startOffset.toFixed(1)}s..t+${(o.startOffset + outageSeconds).toFixed(1)}s`;
        // Two consecutive slots seen failing on time by every region: what the verifier needs to page.
        const missing = await regionsMissingOutage(db, {
          monitorId: o.id,
          fromMs,
          toMs: fromMs + outageSeconds * 1000,
          regions: opts.regions,
          onTimeMs: ON_TIME_MS,
          needed: 2,
        });
        if (missing.length > 0) {
          unobserved.push(`${line}: region ${missing.join(', ')} had no on-time check during it`);
        } else {
          unalerted.push(`${line}:\n  ${lines.join('\n  ')}`);
        }
      }
      const alerted = outages.length - unalerted.length - unobserved.length;
      const stored = await storedAlerts(db);
      return {
        stored,
        coverage,
        alerts,
        outages: { scripted: outages.length, alerted, unobserved: unobserved.length },
        failover,
        unalerted,
        unobserved,
        events,
        deliveries: receiver.deliveries,
      };
    },
  );
}
