import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProcessSpec } from '@sentinelmesh/stack/process-spec';
import { waitFor } from '@sentinelmesh/stack/wait';
import { type AppName, repoRoot, type StackConfig } from './config';

const appDir = (name: AppName) => path.join(repoRoot, 'apps', name);

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/** Where an app runs from and its entry: the sources through tsx, or its deploy folder from `pnpm build`. */
export function appEntry(run: StackConfig['STACK_RUN'], app: Exclude<AppName, 'web'>) {
  if (run === 'source') return { cwd: appDir(app), args: ['--import', 'tsx', 'src/main.ts'] };
  const cwd = path.join(repoRoot, 'dist', app);
  if (!existsSync(path.join(cwd, 'dist', 'main.js'))) {
    throw new Error(`dist/${app} is missing: run \`pnpm build\` before STACK_RUN=built`);
  }
  return { cwd, args: ['dist/main.js'] };
}

/** A Node app run as one process (no package-manager wrapper), so signals reach it directly. */
function nodeApp(
  config: StackConfig,
  name: string,
  app: Exclude<AppName, 'web'>,
  env: NodeJS.ProcessEnv,
  ready?: () => Promise<unknown>,
): ProcessSpec {
  const entry = appEntry(config.STACK_RUN, app);
  return {
    name,
    command: process.execPath,
    args: [...config.STACK_NODE_ARGS, ...entry.args],
    cwd: entry.cwd,
    env: config.STACK_RUN === 'built' ? { ...env, NODE_ENV: 'production' } : env,
    ...(ready ? { ready } : {}),
  };
}

/** The dashboard: its server (or `next dev`) in its folder, or the standalone build of `pnpm build`. */
function webProcess(config: StackConfig): Pick<ProcessSpec, 'args' | 'cwd'> & { env: NodeJS.ProcessEnv } {
  if (config.STACK_RUN === 'built') {
    const cwd = path.join(repoRoot, 'dist', 'web', 'apps', 'web');
    if (!existsSync(path.join(cwd, 'front.mjs'))) {
      throw new Error('dist/web is missing: run `pnpm build` before STACK_RUN=built');
    }
    return {
      cwd,
      args: ['front.mjs'],
      env: { NODE_ENV: 'production', PORT: String(config.WEB_PORT), HOSTNAME: '0.0.0.0' },
    };
  }
  if (config.WEB_MODE === 'dev') {
    const nextBin = path.join(appDir('web'), 'node_modules', 'next', 'dist', 'bin', 'next');
    return { cwd: appDir('web'), args: [nextBin, 'dev', '-p', String(config.WEB_PORT)], env: {} };
  }
  // The production build behind the status pages' shared cache (apps/web/server/main.ts).
  return {
    cwd: appDir('web'),
    args: ['--import', 'tsx', 'server/main.ts'],
    env: { NODE_ENV: 'production', PORT: String(config.WEB_PORT), HOSTNAME: '0.0.0.0' },
  };
}

export function appSpecs(
  config: StackConfig,
  urls: { databaseUrl: string; redisUrl: string | undefined },
): ProcessSpec[] {
  const app = (
    name: string,
    which: Exclude<AppName, 'web'>,
    env: NodeJS.ProcessEnv,
    ready?: () => Promise<unknown>,
  ) => nodeApp(config, name, which, env, ready);
  const opsPort = (offset: number) => (config.OPS_PORT_BASE === 0 ? 0 : config.OPS_PORT_BASE + offset);
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: urls.databaseUrl,
    ...(urls.redisUrl ? { REDIS_URL: urls.redisUrl } : {}),
    ...(config.REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: config.REDIS_CLUSTER_NODES } : {}),
    REGIONS: config.REGIONS.join(','),
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    JWT_SECRET: config.secrets.JWT_SECRET,
    SECRETS_KEY: config.secrets.SECRETS_KEY,
    // Locally, people monitor services on their own network.
    ALLOW_PRIVATE_TARGETS: process.env.ALLOW_PRIVATE_TARGETS ?? 'true',
    DASHBOARD_ORIGIN: process.env.DASHBOARD_ORIGIN ?? `http://localhost:${config.WEB_PORT}`,
    DASHBOARD_URL: process.env.DASHBOARD_URL ?? `http://localhost:${config.WEB_PORT}`,
    // The dashboard forwards /api from 127.0.0.1: that hop (only) may name the client address.
    TRUST_PROXY: process.env.TRUST_PROXY ?? '127.0.0.1',
    // Generous locally: no quotas unless asked for (production keeps the API's defaults).
    MAX_MONITORS_PER_ORG: process.env.MAX_MONITORS_PER_ORG ?? '0',
    MAX_CHECKS_PER_SECOND_PER_ORG: process.env.MAX_CHECKS_PER_SECOND_PER_ORG ?? '0',
    MAX_CHANNELS_PER_ORG: process.env.MAX_CHANNELS_PER_ORG ?? '0',
    MAX_TEST_ALERTS_PER_MINUTE: process.env.MAX_TEST_ALERTS_PER_MINUTE ?? '0',
    MAX_EMAIL_RECIPIENTS_PER_CHANNEL: process.env.MAX_EMAIL_RECIPIENTS_PER_CHANNEL ?? '0',
    API_PORT: String(config.API_PORT),
    WEB_PORT: String(config.WEB_PORT),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const specs: ProcessSpec[] = [];
  const wanted = new Set(config.STACK_APPS);
  if (wanted.has('api')) {
    specs.push(
      // The local dashboard is plain http://localhost: a Secure cookie would never come back.
      app('api', 'api', { ...shared, COOKIE_SECURE: process.env.COOKIE_SECURE ?? 'false' }, () =>
        waitFor('the API', () => httpOk(`http://127.0.0.1:${config.API_PORT}/ready`), { timeoutMs: 90_000 }),
      ),
    );
  }
  if (wanted.has('scheduler')) {
    specs.push(
      app('scheduler', 'scheduler', {
        ...shared,
        OPS_PORT: String(opsPort(1)),
        // One scheduler under the supervisor: restarted, it takes its shards back at once.
        SCHEDULER_ID: process.env.SCHEDULER_ID ?? 'stack-scheduler',
      }),
    );
  }
  // Replicas after the first are named `<app>-2`, `<app>-3`, …; the ops ports of the first replicas
  // stay where they were (verifier +3, region i's worker +10+i), the others follow them.
  const replicaName = (base: string, replica: number) => (replica === 0 ? base : `${base}-${replica + 1}`);
  if (wanted.has('worker')) {
    for (let replica = 0; replica < config.STACK_WORKERS; replica++) {
      config.REGIONS.forEach((region, i) => {
        const name = replicaName(config.REGIONS.length === 1 ? 'worker' : `worker-${region}`, replica);
        const offset = 10 + replica * config.REGIONS.length + i;
        specs.push(app(name, 'worker', { ...shared, REGION: region, OPS_PORT: String(opsPort(offset)) }));
      });
    }
  }
  if (wanted.has('verifier')) {
    for (let replica = 0; replica < config.STACK_VERIFIERS; replica++) {
      const name = replicaName('verifier', replica);
      specs.push(app(name, 'verifier', { ...shared, OPS_PORT: String(opsPort(3 + replica)) }));
    }
  }
  if (wanted.has('web')) {
    const web = webProcess(config);
    specs.push({
      name: 'web',
      command: process.execPath,
      args: web.args,
      cwd: web.cwd,
      env: {
        ...shared,
        ...web.env,
        API_URL: `http://127.0.0.1:${config.API_PORT}`,
        API_PUBLIC_URL: process.env.API_PUBLIC_URL ?? `http://localhost:${config.API_PORT}`,
      },
      ready: () =>
        waitFor('the dashboard', () => httpOk(`http://127.0.0.1:${config.WEB_PORT}/`), {
          timeoutMs: 120_000,
        }),
    });
  }
  return specs;
}
