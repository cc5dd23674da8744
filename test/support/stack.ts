import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { freePort } from '@sentinelmesh/stack/ports';
import { StackProcess } from '@sentinelmesh/stack/stack-process';

export interface TestStack {
  api: string;
  web: string;
  output: () => string;
  /** Process ids by name, from the launcher's state file. */
  pids: () => Record<string, number | null>;
  /** SIGTERM to the launcher, which stops every app; then its data folder is removed. */
  stop: () => Promise<void>;
}

/**
 * The real launcher (scripts/stack) as a child process, running `apps` against the test run's
 * Postgres database and Redis, on free ports, with a queue prefix and data folder of its own.
 */
export async function startTestStack(options: {
  databaseUrl: string;
  apps: string;
  regions?: string;
  /** `host:port,…` of a Redis Cluster to run on instead of the test run's Redis. */
  redisClusterNodes?: string;
  timeoutMs?: number;
  /** `built`: the apps run from `pnpm build`'s deploy folders, as the images run them. */
  run?: 'source' | 'built';
  /** The apps' least-privilege login, created by the launcher's migrate step. */
  appDatabaseUrl?: string;
  /** More settings for every app, e.g. `SMTP_URL` of a local mail receiver. */
  env?: Record<string, string>;
}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-stack-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const stack = new StackProcess({
    STACK_DATA_DIR: dataDir,
    STACK_APPS: options.apps,
    DATABASE_URL: options.databaseUrl,
    ...(options.redisClusterNodes
      ? { REDIS_CLUSTER_NODES: options.redisClusterNodes }
      : { REDIS_URL: testRedisUrl() }),
    QUEUE_PREFIX: uniqueQueuePrefix(),
    API_PORT: String(apiPort),
    WEB_PORT: String(webPort),
    // Links in account emails open this stack's dashboard.
    DASHBOARD_ORIGIN: `http://127.0.0.1:${webPort}`,
    OPS_PORT_BASE: '0',
    REGIONS: options.regions ?? 'local',
    LOG_LEVEL: 'warn',
    STACK_RUN: options.run ?? 'source',
    ...(options.appDatabaseUrl ? { APP_DATABASE_URL: options.appDatabaseUrl } : {}),
    ...options.env,
  });
  const stop = async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await stack.start(options.timeoutMs ?? 90_000);
  } catch (error) {
    console.error(stack.output);
    await stop();
    throw error;
  }
  return {
    api: `http://127.0.0.1:${apiPort}`,
    web: `http://127.0.0.1:${webPort}`,
    output: () => stack.output,
    pids: () => stack.pids(),
    stop,
  };
}

/**
 * Calls a route of the API as one signed-in user: JSON in and out; an answer that is not 2xx throws
 * with its body. `accessToken` is that user's, for requests that are not JSON.
 */
export type ApiCall = ((
  method: string,
  route: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the answer in the shape its route documents
) => Promise<any>) & { accessToken: string };

/** Signs up the first owner of a new organization on `api` and returns a caller of the API as them. */
export async function signUpOwner(api: string, email: string, organizationName: string): Promise<ApiCall> {
  const signup = await fetch(`${api}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery', organizationName }),
  });
  if (!signup.ok) throw new Error(`sign-up → ${signup.status}: ${await signup.text()}`);
  const { accessToken } = (await signup.json()) as { accessToken: string };
  return apiCaller(api, accessToken);
}

/** A caller of the API on `api` with `accessToken` (see ApiCall). */
export function apiCaller(api: string, accessToken: string): ApiCall {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${api}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
    return text ? JSON.parse(text) : {};
  };
  return Object.assign(call, { accessToken });
}
