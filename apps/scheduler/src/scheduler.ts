import { checkQueueName, type MonitorChange, shardOf } from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import {
  type Logger,
  listenForMonitorChanges,
  queuePrefix,
  type RedisClient,
  type RegionSet,
  type Regions,
  regionSetOf,
} from '@sentinelmesh/platform';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { fairShare, ShardLeases } from './leases';
import { createSchedulerMetrics, type SchedulerMetrics } from './metrics';
import { databaseNow, loadMonitor, loadShardMonitors, scanShardMonitorIds } from './monitor-source';
import { SerialRunner } from './serial-runner';
import { SerializedQueue } from './serialized-queue';
import { commitShardPlan, planShardJobs, submitShardJobs, withdrawShardJobs } from './shard-jobs';
import {
  applyMonitorChange,
  newShardState,
  reconcileShardState,
  refreshShardState,
  rewindShardState,
  type ShardState,
} from './shard-state';
import { advanceWatermark, readWatermark } from './watermarks';

/** How far before the last resync a change is still looked for (a transaction may commit late). */
const RESYNC_MARGIN_MS = 60_000;
/** Beyond this many monitors missing here, a resync reads everything rather than them by id. */
const MAX_MISSING_BY_ID = 5_000;

export interface SchedulerOptions {
  db: Db;
  /** Leases, watermarks and (through a duplicate) the change subscription. */
  redis: RedisClient;
  /** Connection of the BullMQ queues; `redis` when not given. */
  connection?: RedisClient;
  prefix: string;
  /**
   * Regions this deployment runs: a monitor is scheduled in its regions that are among these. A
   * RegionSet that follows the database makes a probe region added meanwhile scheduled at the next tick.
   */
  regions: Regions;
  shards: number;
  lookaheadMs: number;
  leaseTtlMs: number;
  resyncSeconds: number;
  logger: Logger;
  registry: Registry;
  clock?: () => number;
  tickMs?: number;
  rebalanceMs?: number;
  /** Late slots younger than this many intervals are still run; older ones are counted as missed. */
  catchUpIntervals?: number;
  /** Late slots younger than this are still run whatever the interval (default: lease time + 5 s). */
  catchUpMs?: number;
  /** At most this many late slots per monitor are run (default 10). */
  maxCatchUpSlots?: number;
  instanceId?: string;
}

/**
 * Holds a fair share of the shard leases and, for each owned shard, enqueues the check jobs of its
 * monitors a little ahead of time. Every operation runs one at a time, so the in-memory shard state
 * never sees two writers.
 */
export class Scheduler {
  readonly metrics: SchedulerMetrics;
  private readonly leases: ShardLeases;
  private readonly states = new Map<number, ShardState>();
  private readonly queues = new Map<string, Queue>();
  private readonly regions: RegionSet;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly runner = new SerialRunner((operation, error) => this.failed(operation, error));
  private stopped = false;
  /** Shards that got a change announcement while a resync was loading. */
  private touchedDuringResync: Set<number> | null = null;
  /** Postgres time of the last full read of the owned monitors, or of the last resync. */
  private syncedAt: Date | null = null;
  private listener: { close: () => Promise<void> } | null = null;
  /** Number of the last resync's id scan: entries it found active carry it in `seen`. */
  private scans = 0;
  /** Newly leased shards whose monitors are being read, and the changes announced for them meanwhile. */
  private loading: { shards: ReadonlySet<number>; changes: MonitorChange[]; done: Promise<void> } | null =
    null;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? Date.now;
    this.regions = regionSetOf(options.regions);
    this.metrics = createSchedulerMetrics(options.registry);
    this.leases = new ShardLeases({
      redis: options.redis,
      prefix: options.prefix,
      shards: options.shards,
      ttlMs: options.leaseTtlMs,
      clock: this.clock,
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    });
    this.log = options.logger.child({ component: 'scheduler', instanceId: this.leases.instanceId });
  }

  get instanceId(): string {
    return this.leases.instanceId;
  }

  ownedShards(): number[] {
    return [...this.states.keys()].sort((a, b) => a - b);
  }

  /** Whether a monitor is among the ones this instance currently schedules. */
  isScheduling(monitorId: string): boolean {
    return this.states.get(shardOf(monitorId, this.options.shards))?.entries.has(monitorId) ?? false;
  }

  async start(): Promise<void> {
    this.listener = await listenForMonitorChanges({
      redis: this.options.redis,
      prefix: this.options.prefix,
      logger: this.log,
      onChange: (change) => {
        this.applyChange(change).catch((error: unknown) => this.failed('change', error));
      },
    });
    await this.rebalance();
    const rebalanceMs = this.options.rebalanceMs ?? Math.floor(this.options.leaseTtlMs / 3);
    this.runner.every('tick', this.options.tickMs ?? 250, () => this.tick());
    this.runner.every('rebalance', rebalanceMs, () => this.rebalance());
    this.runner.every('resync', this.options.resyncSeconds * 1000, () => this.resync());
    // The first shards are loading: their leases are renewed meanwhile, and they are in once this returns.
    await this.loading?.done;
  }

  /** Stops scheduling, releases every lease (others take over at once) and closes the queues. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.runner.stop();
    await this.loading?.done;
    await this.listener?.close();
    await this.runner.run(async () => {
      this.states.clear();
      await this.leases.leave();
    });
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /** Renews leases, hands over shards beyond the fair share and takes free ones up to it. */
  rebalance(): Promise<void> {
    return this.runner.run(async () => {
      if (this.stopped) return;
      const live = await this.leases.heartbeat();
      for (const shard of await this.leases.renew()) this.drop(shard, 'lease lost');
      const target = fairShare(this.options.shards, live);
      for (const shard of this.leases.extras(target)) {
        this.states.delete(shard);
        await this.leases.release(shard);
        this.log.info({ shard, live }, 'released shard');
      }
      // One load at a time: shards being loaded count as owned, more are taken once they are in.
      if (this.loading === null) {
        const acquired = await this.leases.acquire(target - this.leases.owned().length);
        if (acquired.length > 0) this.install(acquired);
      }
      this.updateGauges();
    });
  }

  /** Enqueues, for every owned shard, the slots up to now + lookahead that are not enqueued yet. */
  tick(): Promise<void> {
    return this.runner.run(async () => {
      const endTimer = this.metrics.tickDuration.startTimer();
      const nowMs = this.clock();
      const untilMs = nowMs + this.options.lookaheadMs;
      let lagMs = 0;
      for (const state of [...this.states.values()]) {
        lagMs = Math.max(lagMs, nowMs - state.watermarkMs);
        const plan = planShardJobs(state, {
          nowMs,
          untilMs,
          regions: this.regions,
          catchUpIntervals: this.options.catchUpIntervals ?? 2,
          catchUpMs: this.options.catchUpMs ?? this.options.leaseTtlMs + 5_000,
          maxCatchUpSlots: this.options.maxCatchUpSlots ?? 10,
        });
        await submitShardJobs(
          plan,
          (region) => this.queue(region),
          (region, { jobs, checks }) => {
            this.metrics.jobsEnqueued.inc({ region }, checks);
            this.metrics.batchesEnqueued.inc({ region }, jobs);
          },
          this.clock,
        );
        const advanced = await advanceWatermark(this.options.redis, {
          prefix: this.options.prefix,
          shard: state.shard,
          leaseKey: this.leases.key(state.shard),
          token: this.leases.token,
          expectedMs: state.watermarkMs,
          toMs: Math.max(untilMs, state.watermarkMs),
        });
        if (advanced.outcome === 'not-ours') {
          this.drop(state.shard, 'lease lost while enqueueing');
          continue;
        }
        if (advanced.outcome === 'behind') {
          // A Redis restarted from its append-only file lost its last writes, jobs and watermark
          // alike: plan again from what it holds, without the jobs just added past it.
          this.log.warn(
            { shard: state.shard, expected: state.watermarkMs, stored: advanced.storedMs },
            'Redis lost enqueued slots; planning them again',
          );
          await withdrawShardJobs(plan, (region) => this.queue(region));
          rewindShardState(state, advanced.storedMs);
          continue;
        }
        commitShardPlan(state, plan);
        if (plan.missed > 0) {
          this.metrics.missedSlots.inc(plan.missed);
          this.log.warn({ shard: state.shard, missed: plan.missed }, 'slots too old to run were skipped');
        }
      }
      this.metrics.lag.set(Math.max(0, lagMs) / 1000);
      endTimer();
    });
  }

  /** Applies one announced change to an owned shard: the monitor is reloaded from Postgres. */
  applyChange(change: MonitorChange): Promise<void> {
    return this.runner.run(async () => {
      if (this.stopped) return;
      const shard = shardOf(change.monitorId, this.options.shards);
      this.touchedDuringResync?.add(shard);
      const state = this.states.get(shard);
      if (!state) {
        if (this.loading?.shards.has(shard)) this.loading.changes.push(change);
        return;
      }
      await this.reload(state, change);
      this.log.debug(
        { monitorId: change.monitorId, op: change.op, requestId: change.requestId },
        'monitor change applied',
      );
      this.updateGauges();
    });
  }

  /**
   * Catches up with changes whose announcement was lost. It reads the ids of the active monitors
   * page by page (marking the entries found, noting the ids missing here) and only the monitors
   * changed since the last resync (or missing), so a million monitors cost an id scan rather than
   * parsing every configuration, and no set of a million ids. The reading runs beside the ticks; applying
   * it takes a turn, and a shard that changed hands or got an announcement meanwhile is left alone.
   */
  async resync(): Promise<void> {
    if (this.stopped || this.states.size === 0) return;
    const loadedFrom = new Map(this.states);
    const shards = new Set(loadedFrom.keys());
    const touched = new Set<number>();
    this.touchedDuringResync = touched;
    try {
      const startedAt = await databaseNow(this.options.db);
      const scan = ++this.scans;
      const missing: string[] = [];
      let missingCount = 0;
      await scanShardMonitorIds(
        this.options.db,
        { shards, totalShards: this.options.shards },
        (shard, id) => {
          const entry = loadedFrom.get(shard)?.entries.get(id);
          if (entry) entry.seen = scan;
          else if (++missingCount <= MAX_MISSING_BY_ID) missing.push(id);
        },
      );
      const incremental = this.syncedAt !== null && missingCount <= MAX_MISSING_BY_ID;
      const loaded = await loadShardMonitors(this.options.db, {
        shards,
        totalShards: this.options.shards,
        logger: this.log,
        ...(incremental && this.syncedAt
          ? { only: { changedSince: new Date(this.syncedAt.getTime() - RESYNC_MARGIN_MS), ids: missing } }
          : {}),
      });
      const skipped = await this.runner.run(async () => {
        if (this.stopped) return true;
        const nowMs = this.clock();
        let left = false;
        for (const [shard, monitors] of loaded) {
          const state = this.states.get(shard);
          if (!state || state !== loadedFrom.get(shard) || touched.has(shard)) {
            left = true;
            continue;
          }
          if (incremental) reconcileShardState(state, (entry) => entry.seen === scan, monitors, nowMs);
          else refreshShardState(state, monitors, nowMs);
        }
        this.updateGauges();
        return left;
      });
      // A shard left alone catches up next time, from the same point.
      if (!skipped) this.syncedAt = startedAt;
    } finally {
      this.touchedDuringResync = null;
    }
  }

  /**
   * Loads newly leased shards beside the ticks of the others (a million monitors take a while to
   * read, and their leases keep being renewed meanwhile), then installs them in one turn; each
   * resumes from its watermark, where the previous owner stopped. A shard whose lease went away
   * during the load is left out, and changes announced during it are applied after.
   */
  private install(shards: number[]): void {
    const changes: MonitorChange[] = [];
    const done = this.load(shards, changes)
      .catch(async (error: unknown) => {
        // Hand the leases back rather than hold shards nobody schedules.
        await this.runner.run(async () => {
          for (const shard of shards) {
            if (this.states.has(shard)) continue;
            await this.leases.release(shard).catch(() => undefined);
          }
        });
        this.failed('install', error);
      })
      .finally(() => {
        this.loading = null;
      });
    this.loading = { shards: new Set(shards), changes, done };
  }

  private async load(shards: number[], changes: MonitorChange[]): Promise<void> {
    const { redis, prefix } = this.options;
    const readAt = await databaseNow(this.options.db);
    const watermarks = await Promise.all(shards.map((shard) => readWatermark(redis, prefix, shard)));
    const loaded = await loadShardMonitors(this.options.db, {
      shards: new Set(shards),
      totalShards: this.options.shards,
      logger: this.log,
      abandoned: () => this.stopped,
    });
    await this.runner.run(async () => {
      if (this.stopped) return;
      const nowMs = this.clock();
      for (const [i, shard] of shards.entries()) {
        if (!this.leases.holds(shard)) continue;
        const watermark = watermarks[i] ?? null;
        const state = newShardState(shard, watermark, loaded.get(shard) ?? [], nowMs);
        loaded.delete(shard);
        this.states.set(shard, state);
        this.log.info({ shard, monitors: state.entries.size, watermark }, 'acquired shard');
        // Building a big shard takes a moment: let I/O in before the next.
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const change of changes) {
        const state = this.states.get(shardOf(change.monitorId, this.options.shards));
        if (state) await this.reload(state, change);
      }
      // Shards read in full now need from a resync only what changes after this.
      if (this.syncedAt === null || readAt < this.syncedAt) this.syncedAt = readAt;
      this.updateGauges();
    });
  }

  /** Applies an announced change to a shard: the monitor as Postgres has it now. */
  private async reload(state: ShardState, change: MonitorChange): Promise<void> {
    const monitor =
      change.op === 'delete' ? null : await loadMonitor(this.options.db, { ...change, logger: this.log });
    applyMonitorChange(state, change, monitor, this.clock());
  }

  private drop(shard: number, reason: string): void {
    this.states.delete(shard);
    this.leases.forget(shard);
    this.log.warn({ shard }, reason);
  }

  private queue(region: string): Queue {
    let queue = this.queues.get(region);
    if (!queue) {
      const connection = this.options.connection ?? this.options.redis;
      const name = checkQueueName(region);
      queue = new SerializedQueue(name, {
        connection,
        prefix: queuePrefix(connection, this.options.prefix, name),
      });
      queue.on('error', (error) => this.log.warn({ err: error, region }, 'queue error'));
      this.queues.set(region, queue);
    }
    return queue;
  }

  private updateGauges(): void {
    this.metrics.ownedShards.set(this.states.size);
    let monitors = 0;
    for (const state of this.states.values()) monitors += state.entries.size;
    this.metrics.monitors.set(monitors);
  }

  private failed(operation: string, error: unknown): void {
    this.metrics.errors.inc({ operation });
    this.log.error({ err: error, operation }, 'scheduler operation failed');
  }
}
