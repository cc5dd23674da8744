import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from '@sentinelmesh/stack/wait';
import { expect } from 'vitest';
import { appEntry } from '../../scripts/stack/apps';

export interface AppProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** The port of its `listening` log line, once it has logged it. */
  listeningPort: (timeoutMs?: number) => Promise<number>;
}

/**
 * One app run as the launcher runs it (`node --import tsx src/main.ts` in its folder) with `env`
 * added to this process's environment, or, with `inherit: false`, with only PATH and HOME besides it.
 * With `run: 'built'`, it runs as its image does: `node dist/main.js` in its deploy folder from
 * `pnpm build`, with NODE_ENV=production.
 */
export function startAppProcess(
  app: 'api' | 'scheduler' | 'worker' | 'verifier',
  env: Record<string, string>,
  options: { inherit?: boolean; run?: 'source' | 'built' } = {},
): AppProcess {
  const base =
    options.inherit === false ? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } : process.env;
  const run = options.run ?? 'source';
  const entry = appEntry(run, app);
  const child = spawn(process.execPath, entry.args, {
    cwd: entry.cwd,
    env: { ...base, ...(run === 'built' ? { NODE_ENV: 'production' } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const portOf = () => {
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
    }
    return undefined;
  };
  return {
    child,
    output: () => stdout + stderr,
    stderr: () => stderr,
    exited,
    // Generous by default: the suite starts whole stacks in parallel on two cores.
    listeningPort: (timeoutMs = 30_000) => waitFor(`${app} to log its port`, portOf, { timeoutMs }),
  };
}

/**
 * Asserts what every background app serves on its ops port: /health ok, /ready 200 with Postgres and
 * Redis ok; returns the /metrics text for the app's own assertions.
 */
export async function expectOpsEndpoints(port: number): Promise<string> {
  const base = `http://127.0.0.1:${port}`;
  expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${base}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  return (await fetch(`${base}/metrics`)).text();
}
