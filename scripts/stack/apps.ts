import path from 'node:path';
import type { ProcessSpec } from '../lib/process-spec';
import { waitFor } from '../lib/wait';
import { type AppName, repoRoot, type StackConfig } from './config';

const appDir = (name: AppName) => path.join(repoRoot, 'apps', name);

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/** A Node app run as one process (`node --import tsx`), so signals reach it directly. */
function nodeApp(
  nodeArgs: readonly string[],
  name: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  ready?: () => Promise<unknown>,
): ProcessSpec {
  return {
    name,
    command: process.execPath,
    args: [...nodeArgs, '--import', 'tsx', 'src/main.ts'],
    cwd: dir,
    env,
    ...(ready ? { ready } : {}),
  };
}

export function appSpecs(
  config: StackConfig,
  urls: { databaseUrl: string; redisUrl: string | undefined },
): ProcessSpec[] {
  const app = (name: string, dir: string, env: NodeJS.ProcessEnv, ready?: () => Promise<unknown>) =>
    nodeApp(config.STACK_NODE_ARGS, name, dir, env, ready);
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
    API_PORT: String(config.API_PORT),
    WEB_PORT: String(config.WEB_PORT),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const specs: ProcessSpec[] = [];
  const wanted = new Set(config.STACK_APPS);
  if (wanted.has('api')) {
    specs.push(
      // The local dashboard is plain http://localhost: a Secure cookie would never come back.
      app('api', appDir('api'), { ...shared, COOKIE_SECURE: process.env.COOKIE_SECURE ?? 'false' }, () =>
        waitFor('the API', () => httpOk(`http://127.0.0.1:${config.API_PORT}/ready`), { timeoutMs: 90_000 }),
      ),
    );
  }
  if (wanted.has('scheduler')) {
    specs.push(
      app('scheduler', appDir('scheduler'), {
        ...shared,
        OPS_PORT: String(opsPort(1)),
        // One scheduler under the supervisor: restarted, it takes its shards back at once.
        SCHEDULER_ID: process.env.SCHEDULER_ID ?? 'stack-scheduler',
      }),
    );
  }
  if (wanted.has('worker')) {
    config.REGIONS.forEach((region, i) => {
      const name = config.REGIONS.length === 1 ? 'worker' : `worker-${region}`;
      specs.push(
        app(name, appDir('worker'), { ...shared, REGION: region, OPS_PORT: String(opsPort(10 + i)) }),
      );
    });
  }
  if (wanted.has('verifier')) {
    specs.push(app('verifier', appDir('verifier'), { ...shared, OPS_PORT: String(opsPort(3)) }));
  }
  if (wanted.has('web')) {
    const nextBin = path.join(appDir('web'), 'node_modules', 'next', 'dist', 'bin', 'next');
    const mode = config.WEB_MODE === 'dev' ? 'dev' : 'start';
    specs.push({
      name: 'web',
      command: process.execPath,
      args: [nextBin, mode, '-p', String(config.WEB_PORT)],
      cwd: appDir('web'),
      env: { ...shared, API_URL: `http://127.0.0.1:${config.API_PORT}` },
      ready: () =>
        waitFor('the dashboard', () => httpOk(`http://127.0.0.1:${config.WEB_PORT}/`), {
          timeoutMs: 120_000,
        }),
    });
  }
  return specs;
}
