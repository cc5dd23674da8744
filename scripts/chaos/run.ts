import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorChangesChannel, shardLeaseKey } from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import { SecretBox } from '@sentinelmesh/platform';
import { freePort } from '@sentinelmesh/stack/ports';
import { StackProcess } from '@sentinelmesh/stack/stack-process';
import { waitFor } from '@sentinelmesh/stack/wait';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type Delivery, startReceiver, startTargets } from './fixtures';
import { type AlertFindings, alertFindings, type Coverage, resultTimeline, slotCoverage } from './invariants';

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
  outages: { scripted: number; alerted: number };
  /** The killed extra scheduler: how many shards it held and how long until others held them all. */
  failover: { shards: number; movedAfterSeconds: number } | null;
  /** For each outage that was not alerted: its window and what the database holds of it. */
  unalerted: string[];
  events: string[];
  deliveries: Delivery[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const PREFIX = 'sm';

async function seed(
  db: Db,
  box: SecretBox,
  opts: ChaosOptions,
  targetUrl: string,
  hookUrl: string,
): Promise<string[]> {
  const org = await db
    .insertInto('organizations')
    .values({ name: 'Chaos', slug: `chaos-${Date.now()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const channel = await db
    .insertInto('channels')
    .values({
      org_id: org.id,
      type: 'webhook',
      name: 'receiver',
      config: JSON.stringify({ url: hookUrl }),
      secrets: box.seal({ secret: 'chaos-secret' }),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: string[] = [];
  for (let i = 0; i < opts.monitors; i++) {
    const config = {
      type: 'http',
      name: `chaos-${i}`,
      url: `${targetUrl}/t/${i}`,
      method: 'GET',
      headers: {},
      body: null,
      followRedirects: false,
      intervalSeconds: opts.intervalSeconds,
      timeoutMs: 1000,
      assertions: [{ source: 'status', op: 'between', value: [200, 399] }],
      regions: opts.regions,
      failureThreshold: 2,
      recoveryThreshold: 2,
      retryIntervalSeconds: 1,
      tags: [],
      paused: false,
    };
    const id = await insertMonitor(db, org.id, { config, state: true });
    await db
      .insertInto('monitor_channels')
      .values({ org_id: org.id, monitor_id: id, channel_id: channel.id })
      .execute();
    ids.push(id);
  }
  return ids;
}

const SHARDS = 16;

/** Who holds each shard's lease (`<scheduler id>/<token>`), null where nobody does. */
function leaseHolders(redis: Redis): Promise<(string | null)[]> {
  return redis.mget(...Array.from({ length: SHARDS }, (_, shard) => shardLeaseKey(PREFIX, shard)));
}

function spawnApp(app: 'scheduler' | 'worker', env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repoRoot, 'apps', app),
    env: { ...process.env, ...env, OPS_PORT: '0', LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
}

/** Runs monitors through scripted outages while processes are killed, then checks the invariants. */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const down = new Set<number>();
  const targets = await startTargets(down);
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-chaos-'));
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  const secretsKey = randomBytes(32).toString('base64');
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/sentinelmesh`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const appEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REGIONS: opts.regions.join(','),
    SECRETS_KEY: secretsKey,
    QUEUE_PREFIX: PREFIX,
    ALLOW_PRIVATE_TARGETS: 'true',
  };
  const stack = new StackProcess({
    STACK_DATA_DIR: dataDir,
    STACK_APPS: 'scheduler,worker,verifier',
    PG_PORT: String(pgPort),
    REDIS_PORT: String(redisPort),
    REGIONS: opts.regions.join(','),
    SECRETS_KEY: secretsKey,
    OPS_PORT_BASE: '0',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: PREFIX,
  });
  const extras: ChildProcess[] = [];
  const events: string[] = [];
  const note = (line: string) => {
    events.push(line);
    opts.log(line);
  };
  let db: Db | null = null;
  // Connects at its first command, once the stack's Redis is up.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  // The run kills Redis on purpose: the client reconnects, its connection errors are expected.
  redis.on('error', () => undefined);
  let failover: ChaosReport['failover'] = null;
  try {
    await stack.start();
    db = createDb({
      connectionString: databaseUrl,
      max: 3,
      applicationName: 'sentinelmesh-chaos',
      onPoolError: () => {},
    });
    const ids = await seed(db, new SecretBox(secretsKey), opts, targets.url, `${receiver.url}/hook`);
    for (const id of ids)
      await redis.publish(
        monitorChangesChannel(PREFIX),
        JSON.stringify({ op: 'upsert', orgId: 'chaos', monitorId: id }),
      );
    for (let i = 0; i < opts.extraSchedulers; i++) {
      extras.push(spawnApp('scheduler', { ...appEnv, SCHEDULER_ID: `chaos-extra-${i}` }));
    }
    const monitorsUp = async () => {
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM monitor_state WHERE status = 'up'`.execute(db as Db);
      return (rows[0]?.n ?? 0) === ids.length;
    };
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
            note(`the killed scheduler's ${held} shards moved in ${failover.movedAfterSeconds.toFixed(1)} s`);
          },
          () => note("the killed scheduler's shards did not move within 60 s"),
        );
      }
      if (!workerStopped && elapsed > opts.durationSeconds / 4) {
        const worker = spawnApp('worker', { ...appEnv, REGION: opts.regions[0] });
        extras.push(worker);
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
      async () => {
        const pending = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM alerts WHERE status = 'pending'`.execute(db as Db);
        return (await monitorsUp()) && (pending.rows[0]?.n ?? 1) === 0;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );

    // Slots a few seconds into the run and before its end, so start-up and the last in-flight checks do not count.
    const coverage = await slotCoverage(db, opts.regions, new Date(startAt + 2_000), new Date(endAt - 5_000));
    const alerts = alertFindings(receiver.deliveries);
    const wasAlerted = (o: (typeof outages)[number]) =>
      receiver.deliveries.some(
        (d) =>
          d.monitorId === o.id &&
          d.event === 'monitor.down' &&
          Date.parse(d.occurredAt) >= startAt + o.startOffset * 1000 &&
          Date.parse(d.occurredAt) <= startAt + (o.startOffset + outageSeconds + 15) * 1000,
      );
    const unalerted: string[] = [];
    for (const o of outages.filter((outage) => !wasAlerted(outage))) {
      const fromMs = startAt + o.startOffset * 1000;
      const lines = await resultTimeline(
        db,
        o.id,
        fromMs - 4_000,
        fromMs + (outageSeconds + 4) * 1000,
        startAt,
      );
      unalerted.push(
        `monitor ${o.index} down t+${o.startOffset.toFixed(1)}s..t+${(o.startOffset + outageSeconds).toFixed(1)}s:\n  ${lines.join('\n  ')}`,
      );
    }
    const alerted = outages.length - unalerted.length;
    const incidents = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(db);
    const byStatus = await sql<{ key: string; n: number }>`
      SELECT event || ' ' || status AS key, count(*)::int AS n FROM alerts GROUP BY 1 ORDER BY 1
    `.execute(db);
    const stored = {
      incidents: incidents.rows[0]?.n ?? 0,
      alerts: Object.fromEntries(byStatus.rows.map((r) => [r.key, r.n])),
    };
    return {
      stored,
      coverage,
      alerts,
      outages: { scripted: outages.length, alerted },
      failover,
      unalerted,
      events,
      deliveries: receiver.deliveries,
    };
  } catch (error) {
    opts.log(stack.output.slice(-5_000));
    throw error;
  } finally {
    for (const child of extras) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    redis.disconnect();
    await db?.destroy();
    await stack.stop();
    await Promise.all([targets.close(), receiver.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
