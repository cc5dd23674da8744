import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyWebhookSignature } from '@sentinelmesh/core';
import { createDb, type Db } from '@sentinelmesh/db';
import { adminQuery, createEmptyDatabase, type EmptyDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fastHttpMonitor,
  type Listening,
  type ReceivedRequest,
  startReceiver,
  startTarget,
} from '../support/http-fixtures';
import { addProbeRegion, startProbeProcess } from '../support/probes';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const backendApps = ['api', 'scheduler', 'worker', 'verifier'] as const;
const suffix = randomBytes(4).toString('hex');
const appUser = `sm_prod_${suffix}`;
const WEBHOOK_SECRET = 'production-build-secret-0123';

/** Runs a command to its end; rejects with its output unless it exits 0. */
function run(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<string> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(' ')} failed (${code}):\n${output}`)),
    ),
  );
}

let database: EmptyDatabase;
let migrateOutput: string;
const appDatabaseUrl = () => database.url(appUser, `pw-${suffix}`);
let stack: TestStack;
let db: Db;
let target: Listening & { setStatus: (s: number) => void };
let receiver: Listening & { received: ReceivedRequest[] };

beforeAll(async () => {
  // `pnpm build`, exactly as the Dockerfile runs it.
  await run(['--import', 'tsx', 'scripts/build/main.ts'], { cwd: repoRoot });
  database = await createEmptyDatabase();
  // The migrate step as the compose service and the Kubernetes Job run it, from the api image.
  migrateOutput = await run(['node_modules/@sentinelmesh/db/dist/migrate-cli.js'], {
    cwd: path.join(repoRoot, 'dist', 'api'),
    env: { NODE_ENV: 'production', DATABASE_URL: database.url(), APP_DATABASE_URL: appDatabaseUrl() },
  });
  db = createDb({ connectionString: database.url(), max: 2 });
  target = await startTarget();
  receiver = await startReceiver();
  // Every app, web included, runs from its deploy folder with NODE_ENV=production as that role.
  stack = await startTestStack({
    databaseUrl: database.url(),
    appDatabaseUrl: appDatabaseUrl(),
    apps: 'api,scheduler,worker,verifier,web',
    run: 'built',
    timeoutMs: 120_000,
  });
}, 400_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([target?.close(), receiver?.close(), db?.destroy()]);
  await database?.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appUser)}`);
}, 60_000);

describe('the production build', () => {
  it('lays out deploy folders of compiled JavaScript and production dependencies only', () => {
    for (const app of backendApps) {
      const dir = path.join(repoRoot, 'dist', app);
      expect(existsSync(path.join(dir, 'dist', 'main.js')), app).toBe(true);
      expect(existsSync(path.join(dir, 'src')), app).toBe(false);
      // No development tool anywhere in its dependency tree. protobufjs (gRPC checks, through
      // @grpc/grpc-js) declares @types/node a runtime dependency: declaration files only, never loaded.
      const installed = readdirSync(path.join(dir, 'node_modules', '.pnpm'));
      const grpcTypes = (name: string) => app === 'worker' && name.startsWith('@types+node@');
      expect(
        installed.filter(
          (name) =>
            /^(tsx|typescript|esbuild|@esbuild|vite|vitest|@types)[@+]/.test(name) && !grpcTypes(name),
        ),
        app,
      ).toEqual([]);
      // Workspace packages come compiled: their manifests export dist/, their sources stay behind.
      const db = path.join(dir, 'node_modules', '@sentinelmesh', 'db');
      const manifest = JSON.parse(readFileSync(path.join(db, 'package.json'), 'utf8')) as {
        exports: Record<string, string>;
      };
      expect(manifest.exports).toEqual({ '.': './dist/index.js' });
      expect(existsSync(path.join(db, 'src')), app).toBe(false);
      expect(readFileSync(path.join(dir, 'dist', 'main.js'), 'utf8')).not.toContain('sourceMappingURL');
    }
    expect(existsSync(path.join(repoRoot, 'dist', 'web', 'apps', 'web', 'front.mjs'))).toBe(true);
    expect(existsSync(path.join(repoRoot, 'dist', 'probe', 'probe.js'))).toBe(true);
  });

  it('builds the probe as one file that runs alone, with nothing beside it, against the built API', async () => {
    const probeFile = readFileSync(path.join(repoRoot, 'dist', 'probe', 'probe.js'), 'utf8');
    expect(probeFile).not.toContain('sourceMappingURL');
    const alone = mkdtempSync(path.join(os.tmpdir(), 'probe-alone-'));
    try {
      copyFileSync(path.join(repoRoot, 'dist', 'probe', 'probe.js'), path.join(alone, 'probe.js'));
      const { token } = await addProbeRegion(db, 'prod-probe');
      const probe = startProbeProcess(path.join(alone, 'probe.js'), stack.api, token, {
        spoolDir: path.join(alone, 'spool'),
        env: { NODE_ENV: 'production' },
      });
      await waitFor('the probe to open its session', () => probe.output().includes('session open'), {
        timeoutMs: 20_000,
      }).catch((error: unknown) => {
        probe.child.kill('SIGKILL');
        throw new Error(`${String(error)}\n${probe.output()}`);
      });
      probe.child.kill('SIGTERM');
      expect(await probe.exited).toBe(0);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it("migrates from the api image's deploy folder and creates the apps' role", () => {
    const summary = JSON.parse(migrateOutput.trim().split('\n').at(-1) ?? '{}') as {
      msg: string;
      applied: string[];
      appRole: string;
    };
    expect(summary.msg).toBe('migrated');
    expect(summary.applied).toContain('0001-initial');
    expect(summary.appRole).toBe(appUser);
  });

  it('runs every app as `node dist/main.js` with NODE_ENV=production, connected as the least-privilege role', async () => {
    const pids = stack.pids();
    for (const app of backendApps) {
      const pid = pids[app];
      expect(pid, app).toBeTruthy();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(cmdline.slice(1), app).toEqual(['dist/main.js']);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('NODE_ENV=production');
    }
    const { rows } = await sql<{ usename: string; application_name: string }>`
      SELECT DISTINCT usename, application_name FROM pg_stat_activity
      WHERE datname = ${database.name} AND application_name LIKE 'sentinelmesh-%'
        AND application_name <> 'sentinelmesh-test'
    `.execute(db);
    const apps = rows.map((r) => r.application_name);
    for (const app of ['sentinelmesh-api', 'sentinelmesh-scheduler', 'sentinelmesh-verifier']) {
      expect(apps).toContain(app);
    }
    expect(new Set(rows.map((r) => r.usename))).toEqual(new Set([appUser]));
  });

  it('serves the dashboard from the standalone build and carries a monitor to a signed down alert', async () => {
    const page = await fetch(`${stack.web}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    // Its probes, and /api/* forwarded to the API.
    expect(await (await fetch(`${stack.web}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${stack.web}/ready`)).status).toBe(200);
    expect((await fetch(`${stack.web}/api/health`)).status).toBe(200);

    const signup = await fetch(`${stack.api}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'prod@example.com',
        password: 'correct horse battery',
        organizationName: 'P',
      }),
    });
    expect(signup.status).toBe(201);
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const call = async <T>(route: string, body: unknown): Promise<T> => {
      const response = await fetch(`${stack.api}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${route} → ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    };
    const channel = await call<{ id: string }>('/v1/channels', {
      type: 'webhook',
      name: 'receiver',
      config: { url: `${receiver.url}/hook`, secret: WEBHOOK_SECRET },
    });
    const monitor = await call<{ id: string }>('/v1/monitors', fastHttpMonitor(target.url, [channel.id]));
    const status = async () => {
      const response = await fetch(`${stack.api}/v1/monitors/${monitor.id}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      return ((await response.json()) as { state: { status: string } }).state.status;
    };
    await waitFor('the monitor to be up', async () => (await status()) === 'up', { timeoutMs: 30_000 });
    target.setStatus(500);
    await waitFor('a down alert', () => receiver.received.some((r) => r.body.event === 'monitor.down'), {
      timeoutMs: 30_000,
    });
    expect(await status()).toBe('down');
    const [alert] = receiver.received;
    const signature = String(alert?.headers['x-sentinel-signature']);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature([WEBHOOK_SECRET], alert?.rawBody ?? '', signature, now)).toBe(true);

    // The built dashboard server answers a status page's crowd from its shared cache.
    await call('/v1/status-pages', { slug: 'prod', title: 'Prod status', monitorIds: [monitor.id] });
    const first = await fetch(`${stack.web}/status/prod`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Prod status');
    const second = await fetch(`${stack.web}/status/prod`, { headers: { 'accept-encoding': 'br' } });
    expect(second.headers.get('x-page-cache')).toBe('HIT');
    expect(second.headers.get('content-encoding')).toBe('br');
    expect(await second.text()).toContain('Prod status');
  }, 90_000);
});
