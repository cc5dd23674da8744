import {
  type CheckJob,
  PROBE_MAX_RESULTS_PER_POST,
  PROBE_POLL_WAIT_MS,
  type ProbePollBody,
  type ProbePollResponse,
  type ProbeSession,
  type ProbeSlot,
  VERIFY_QUEUE,
} from '@sentinelmesh/core';
import type { Db } from '@sentinelmesh/db';
import {
  addPokes,
  createSecretSource,
  type Logger,
  queuePrefix,
  type RedisClient,
  ResultWriter,
  type SecretBox,
  type SecretSource,
  type VerifyPoke,
  verifyPoke,
} from '@sentinelmesh/platform';
import { type Job, Queue } from 'bullmq';
import { sql } from 'kysely';
import type { Clock } from '../context';
import { ingestResults } from './ingest';
import { invalidProbeToken, type ProbeIdentity, probeIsActive } from './probe-auth';
import { RegionFetcher, type TakenJob } from './region-fetcher';
import { listenForRevocations } from './revocations';
import { slotsOfJob } from './slots';

export interface ProbeGatewayOptions {
  db: Db;
  redis: RedisClient;
  prefix: string;
  box: SecretBox;
  logger: Logger;
  clock: Clock;
  /** How long a poll is held when no slot is due (default 20 s). */
  pollWaitMs?: number;
  /** How often the token of a poll in flight is looked up again, should a revocation notice be lost. */
  recheckMs?: number;
}

const REVOKED = 'revoked';
const FETCHER_IDLE_MS = 60_000;

/**
 * The probe gateway (ADR 0030): hands each probe the slots of its region's queue and writes the
 * results it sends back with the worker's writer and verify pokes. Handing slots over completes
 * their jobs: from then on the probe (and its on-disk spool) holds them.
 */
export class ProbeGateway {
  readonly pollWaitMs: number;
  private readonly fetchers = new Map<string, RegionFetcher>();
  private readonly polls = new Map<string, Set<AbortController>>();
  private readonly verifyQueue: Queue;
  readonly writer: ResultWriter<VerifyPoke>;
  private readonly secrets: SecretSource;
  private readonly log: Logger;
  private revocations: { close: () => Promise<void> } | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: ProbeGatewayOptions) {
    this.pollWaitMs = options.pollWaitMs ?? PROBE_POLL_WAIT_MS;
    this.log = options.logger.child({ component: 'probe-gateway' });
    this.verifyQueue = new Queue(VERIFY_QUEUE, {
      connection: options.redis,
      prefix: queuePrefix(options.redis, options.prefix, VERIFY_QUEUE),
    });
    this.verifyQueue.on('error', (error) => this.log.warn({ err: error }, 'verify queue error'));
    this.writer = new ResultWriter<VerifyPoke>({
      db: options.db,
      logger: this.log,
      afterInsert: addPokes(this.verifyQueue),
    });
    this.secrets = createSecretSource({ db: options.db, box: options.box, logger: this.log });
  }

  /** Subscribes to revocation notices; until then, polls learn of a revocation by the re-check alone. */
  async start(): Promise<void> {
    this.revocations = await listenForRevocations({
      redis: this.options.redis,
      prefix: this.options.prefix,
      logger: this.log,
      onRevoked: (probeId) => this.cut(probeId),
    });
    // Each fetcher holds a blocking Redis connection: one no probe polled for a while is closed.
    this.sweeper = setInterval(() => this.closeIdleFetchers(FETCHER_IDLE_MS), FETCHER_IDLE_MS / 2);
    this.sweeper.unref();
  }

  private closeIdleFetchers(idleMs: number): void {
    for (const [region, fetcher] of this.fetchers) {
      if (!fetcher.idleFor(idleMs)) continue;
      this.fetchers.delete(region);
      fetcher
        .close()
        .catch((error: unknown) => this.log.warn({ err: error, region }, 'cannot close a fetcher'));
    }
  }

  /** Ends every poll of `probeId` held by this process: each answers 401. */
  cut(probeId: string): void {
    for (const controller of this.polls.get(probeId) ?? []) controller.abort(REVOKED);
  }

  session(identity: ProbeIdentity): ProbeSession {
    return {
      probeId: identity.probeId,
      region: identity.region,
      organizationId: identity.orgId,
      allowPrivateTargets: identity.allowPrivateTargets,
      serverTime: this.options.clock.now().toISOString(),
      pollWaitMs: this.pollWaitMs,
      maxResultsPerPost: PROBE_MAX_RESULTS_PER_POST,
    };
  }

  /** Records that the probe was seen, with what its poll reported. */
  async seen(identity: ProbeIdentity, body?: ProbePollBody): Promise<void> {
    await this.options.db
      .updateTable('probes')
      .set({
        last_seen_at: sql`now()`,
        ...(body
          ? {
              version: body.version,
              checks_per_second: body.stats.checksPerSecond,
              lag_p99_ms: body.stats.lagP99Ms,
              held_results: body.stats.heldResults,
              dropped_results: body.stats.droppedResults,
            }
          : {}),
      })
      .where('id', '=', identity.probeId)
      .execute();
  }

  /**
   * Waits up to pollWaitMs for slots of the probe's region and hands them over. `gone` aborts when
   * the client went away: jobs taken meanwhile go back to the queue.
   */
  async poll(identity: ProbeIdentity, body: ProbePollBody, gone: AbortSignal): Promise<ProbePollResponse> {
    const controller = new AbortController();
    const onGone = () => controller.abort('gone');
    gone.addEventListener('abort', onGone, { once: true });
    const mine = this.polls.get(identity.probeId) ?? new Set();
    mine.add(controller);
    this.polls.set(identity.probeId, mine);
    const deadline = setTimeout(() => controller.abort('timeout'), this.pollWaitMs);
    const recheck = setInterval(() => {
      probeIsActive(this.options.db, identity.probeId).then(
        (active) => {
          if (!active) controller.abort(REVOKED);
        },
        (error: unknown) => this.log.warn({ err: error }, 'cannot re-check a probe token'),
      );
    }, this.options.recheckMs ?? 2_000);
    try {
      // Registered first: a revocation from now on ends this poll.
      await this.seen(identity, body);
      if (gone.aborted) controller.abort('gone');
      for (;;) {
        const fetcher = this.fetcher(identity.region);
        const taken = await fetcher.take(controller.signal);
        if (controller.signal.aborted) {
          await fetcher.release(taken);
          if (controller.signal.reason === REVOKED) throw invalidProbeToken();
          return { serverTime: this.options.clock.now().toISOString(), checks: [] };
        }
        const checks = await this.handOver(identity, fetcher, taken);
        if (checks.length > 0) return { serverTime: this.options.clock.now().toISOString(), checks };
      }
    } finally {
      clearTimeout(deadline);
      clearInterval(recheck);
      gone.removeEventListener('abort', onGone);
      mine.delete(controller);
      if (mine.size === 0) this.polls.delete(identity.probeId);
    }
  }

  /**
   * Turns taken jobs into the probe's slots and completes the jobs. A private location's probe never
   * receives another organization's slot (dropped, counted and logged); a slot whose secrets cannot
   * be opened is recorded as failed here, as a worker would.
   */
  private async handOver(
    identity: ProbeIdentity,
    fetcher: RegionFetcher,
    taken: TakenJob[],
  ): Promise<ProbeSlot[]> {
    const usable: TakenJob[] = [];
    const slots: CheckJob[] = [];
    for (const entry of taken) {
      const read = slotsOfJob(entry.job, identity.region);
      if (!read.ok) {
        this.log.warn({ jobId: entry.job.id, reason: read.reason }, 'rejecting invalid check job');
        await fetcher.fail(entry, read.reason);
        continue;
      }
      if (read.invalid > 0) {
        this.log.warn({ jobId: entry.job.id, invalid: read.invalid }, 'skipping invalid checks of a batch');
      }
      usable.push(entry);
      slots.push(...read.slots);
    }
    const foreign = identity.orgId ? slots.filter((s) => s.spec.orgId !== identity.orgId) : [];
    if (foreign.length > 0) {
      this.log.warn(
        { probeId: identity.probeId, region: identity.region, dropped: foreign.length },
        "dropping slots of another organization's monitors queued in a private location",
      );
      await this.options.db
        .updateTable('probes')
        .set({ dropped_slots: sql`dropped_slots + ${foreign.length}` })
        .where('id', '=', identity.probeId)
        .execute();
    }
    const own = identity.orgId ? slots.filter((s) => s.spec.orgId === identity.orgId) : slots;
    const checks: ProbeSlot[] = [];
    const failures: Promise<void>[] = [];
    for (const slot of own) {
      const revealed = await this.secrets.reveal(slot.spec);
      if (revealed.ok) {
        checks.push({
          monitorId: slot.spec.id,
          scheduledAt: new Date(slot.scheduledAtMs).toISOString(),
          kind: slot.kind,
          attempt: slot.attempt,
          spec: revealed.spec,
        });
        continue;
      }
      failures.push(this.recordUnrunnable(slot, revealed.message));
    }
    // As a worker completes a job only once its results are durable.
    await Promise.all(failures);
    await fetcher.complete(usable, (job: Job) => ({ handedOverTo: identity.probeId, jobName: job.name }));
    return checks;
  }

  private recordUnrunnable(slot: CheckJob, message: string): Promise<void> {
    const now = this.options.clock.now();
    return this.writer.write(
      {
        ok: false,
        statusCode: null,
        latencyMs: null,
        phases: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null },
        certExpiresAt: null,
        error: { kind: 'internal', message },
        failedAssertions: [],
        orgId: slot.spec.orgId,
        monitorId: slot.spec.id,
        scheduledAt: new Date(slot.scheduledAtMs),
        checkedAt: now,
        region: slot.region,
        kind: slot.kind,
        attempt: slot.attempt,
      },
      verifyPoke(slot.spec.orgId, slot.spec.id, slot.requestId),
    );
  }

  ingest(identity: ProbeIdentity, results: Parameters<typeof ingestResults>[1]['results']) {
    return ingestResults(
      { db: this.options.db, writer: this.writer, clock: this.options.clock },
      { identity, results },
    );
  }

  private fetcher(region: string): RegionFetcher {
    let fetcher = this.fetchers.get(region);
    if (!fetcher) {
      if (this.closed) throw new Error('the probe gateway is closed');
      fetcher = new RegionFetcher({
        connection: this.options.redis,
        prefix: this.options.prefix,
        region,
        logger: this.log,
      });
      this.fetchers.set(region, fetcher);
    }
    return fetcher;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const set of this.polls.values()) for (const controller of set) controller.abort('gone');
    await Promise.all([...this.fetchers.values()].map((fetcher) => fetcher.close()));
    await this.revocations?.close();
    await this.writer.close();
    await this.verifyQueue.close();
  }
}
