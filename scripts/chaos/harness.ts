import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorChangesChannel } from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
import { insertMonitor } from '@sentinelmesh/db/fixtures';
import { SecretBox } from '@sentinelmesh/platform';
import { freePort, isListening } from '@sentinelmesh/stack/ports';
import { StackProcess } from '@sentinelmesh/stack/stack-process';
import { Redis } from 'ioredis';
import { sql } from 'kysely';

export const PREFIX = 'sm';
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SeedOptions {
  monitors: number;
  intervalSeconds: number;
  regions: string[];
}

/** One organization with a webhook channel to `hookUrl` and `monitors` HTTP monitors of `${targetUrl}/t/<n>`. */
export async function seed(
  db: Db,
  box: SecretBox,
  opts: SeedOptions,
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

/** An app process outside the launcher (not restarted when it dies); `env` may set OPS_PORT. */
export function spawnApp(app: 'scheduler' | 'worker' | 'verifier', env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repoRoot, 'apps', app),
    env: { ...process.env, OPS_PORT: '0', LOG_LEVEL: 'error', ...env },
    stdio: 'ignore',
  });
}

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * The environment that runs a process with its wall clock `offsetSeconds` off (Debian's libfaketime;
 * the monotonic clock, which timers use, stays true).
 */
export function clockOffsetEnv(offsetSeconds: number): NodeJS.ProcessEnv {
  const lib = process.env.LIBFAKETIME ?? LIBFAKETIME;
  try {
    readFileSync(lib);
  } catch {
    throw new Error(`${lib} is missing: install Debian's faketime package (scripts/test.sh does)`);
  }
  return {
    LD_PRELOAD: lib,
    FAKETIME: `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}s`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/** A process and its direct children (Postgres: the postmaster and its backends). */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {}
  }
  return [pid, ...children];
}

/** Sends `signal` to each pid, ignoring processes that are already gone (and 0: never the whole group). */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids.filter((p) => p > 0)) {
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

/** A base for the launcher's OPS_PORT_BASE whose ports at `offsets` are all free now. */
export async function freeOpsPortBase(offsets: number[]): Promise<number> {
  const top = Math.max(...offsets);
  for (let tries = 0; tries < 50; tries++) {
    const base = (await freePort()) - top;
    if (base < 1024) continue;
    const taken = await Promise.all(offsets.map((o) => isListening(base + o)));
    if (!taken.some(Boolean)) return base;
  }
  throw new Error('no free block of ops ports');
}

export interface ChaosStackOptions {
  regions: string[];
  /** The launcher's OPS_PORT_BASE: 0 lets every app pick a free port. */
  opsPortBase?: number;
  /** Extra environment for the launcher and so for every app it runs. */
  env?: Record<string, string>;
}

/** The launcher with scheduler, one worker per region and verifier, its Postgres and Redis, and clients to both. */
export class ChaosStack {
  readonly dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-chaos-'));
  readonly secretsKey = randomBytes(32).toString('base64');
  readonly box = new SecretBox(this.secretsKey);
  stack: StackProcess | null = null;
  db: Db | null = null;
  /** Connects at its first command; the runs kill Redis on purpose, so its errors are expected. */
  redis: Redis | null = null;
  /** What an app started beside the launcher needs to join it. */
  appEnv: NodeJS.ProcessEnv = {};
  /** Apps started beside the launcher: killed (even when stopped) by `stop`. */
  private readonly extras: ChildProcess[] = [];

  constructor(private readonly opts: ChaosStackOptions) {}

  async start(): Promise<{ db: Db; redis: Redis; stack: StackProcess }> {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/sentinelmesh`;
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    this.appEnv = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REGIONS: this.opts.regions.join(','),
      SECRETS_KEY: this.secretsKey,
      QUEUE_PREFIX: PREFIX,
      ALLOW_PRIVATE_TARGETS: 'true',
      ...this.opts.env,
    };
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    this.redis = redis;
    const stack = new StackProcess({
      STACK_DATA_DIR: this.dataDir,
      STACK_APPS: 'scheduler,worker,verifier',
      PG_PORT: String(pgPort),
      REDIS_PORT: String(redisPort),
      REGIONS: this.opts.regions.join(','),
      SECRETS_KEY: this.secretsKey,
      OPS_PORT_BASE: String(this.opts.opsPortBase ?? 0),
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: PREFIX,
      ...this.opts.env,
    });
    this.stack = stack;
    await stack.start();
    const db = createDb({
      connectionString: databaseUrl,
      max: 3,
      applicationName: 'sentinelmesh-chaos',
      onPoolError: () => {},
    });
    this.db = db;
    return { db, redis, stack };
  }

  /** Tells the schedulers about new monitors at once rather than at their next resync. */
  async announce(ids: string[]): Promise<void> {
    if (!this.db || ids.length === 0) return;
    const monitors = await this.db
      .selectFrom('monitors')
      .select(['id', 'org_id'])
      .where('id', 'in', ids)
      .execute();
    for (const m of monitors) {
      await this.redis?.publish(
        monitorChangesChannel(PREFIX),
        JSON.stringify({ op: 'upsert', orgId: m.org_id, monitorId: m.id }),
      );
    }
  }

  /**
   * Runs `body`, then stops everything and runs `cleanup`; when `body` throws, logs the launcher's
   * last output first.
   */
  async run<T>(
    log: (line: string) => void,
    cleanup: () => Promise<unknown>,
    body: () => Promise<T>,
  ): Promise<T> {
    try {
      return await body();
    } catch (error) {
      log(this.stack?.output.slice(-5_000) ?? '');
      throw error;
    } finally {
      await this.stop();
      await cleanup();
    }
  }

  /** Starts an app beside the launcher's, joined to the same services; `env` adds to or overrides theirs. */
  spawn(app: 'scheduler' | 'worker', env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawnApp(app, { ...this.appEnv, ...env });
    this.extras.push(child);
    return child;
  }

  async stop(): Promise<void> {
    for (const child of this.extras) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    this.redis?.disconnect();
    await this.db?.destroy();
    await this.stack?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Whether every monitor is up. */
export async function allUp(db: Db, count: number): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM monitor_state WHERE status = 'up'
  `.execute(db);
  return (rows[0]?.n ?? 0) === count;
}

/** Alerts still waiting in the outbox. */
export async function pendingAlerts(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM alerts WHERE status = 'pending'
  `.execute(db);
  return rows[0]?.n ?? 1;
}

/** What the database holds: incidents opened, and alerts by event and status. */
export async function storedAlerts(db: Db): Promise<{ incidents: number; alerts: Record<string, number> }> {
  const incidents = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(db);
  const byStatus = await sql<{ key: string; n: number }>`
    SELECT event || ' ' || status AS key, count(*)::int AS n FROM alerts GROUP BY 1 ORDER BY 1
  `.execute(db);
  return {
    incidents: incidents.rows[0]?.n ?? 0,
    alerts: Object.fromEntries(byStatus.rows.map((r) => [r.key, r.n])),
  };
}
