import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRedisUrl, uniqueQueuePrefix } from '@sentinelmesh/db/testing';
import { freePort } from '../../../../../scripts/lib/ports';
import { waitFor } from '../../../../../scripts/lib/wait';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..', '..');

export interface RunningStack {
  api: string;
  web: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** The real launcher (scripts/stack) with every app, the dashboard included, on free ports. */
export async function startStack(databaseUrl: string): Promise<RunningStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-web-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      STACK_DATA_DIR: dataDir,
      STACK_APPS: 'api,scheduler,worker,verifier,web',
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniqueQueuePrefix(),
      API_PORT: String(apiPort),
      WEB_PORT: String(webPort),
      OPS_PORT_BASE: '0',
      REGIONS: 'local',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'the stack with the dashboard to be ready',
      () => {
        if (child.exitCode !== null) throw new Error(`the launcher exited with ${child.exitCode}`);
        return output.includes('SentinelMesh is running');
      },
      { timeoutMs: 240_000, intervalMs: 200 },
    );
  } catch (error) {
    console.error(output);
    await stop();
    throw error;
  }
  return {
    api: `http://127.0.0.1:${apiPort}`,
    web: `http://127.0.0.1:${webPort}`,
    output: () => output,
    stop,
  };
}
