import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { lock } from 'proper-lockfile';
import { repoRoot } from './config';

const sourceRoots = [
  'apps/web/src',
  'apps/web/app',
  'apps/web/next.config.ts',
  'apps/web/package.json',
  'packages/core/src',
];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Whether the dashboard's production build is missing or older than its sources. */
export function webBuildIsStale(): boolean {
  const buildId = path.join(repoRoot, 'apps/web/.next/BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return sourceRoots.some((root) => newestMtime(path.join(repoRoot, root)) > built);
}

/** Runs `next build` for the dashboard, passing its output to `write`. */
export function buildWeb(write: (line: string) => void): Promise<void> {
  const nextBin = path.join(repoRoot, 'apps/web/node_modules/next/dist/bin/next');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: path.join(repoRoot, 'apps/web'),
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) write(`web-build |  ${line}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`)),
    );
  });
}

/**
 * Builds the dashboard when its build is stale, one build at a time across processes: the browser
 * tests start several stacks at once, and a second `next build` in the same folder fails. A waiting
 * launcher checks again once it holds the lock, so it finds the build just made and skips its own.
 */
export async function ensureWebBuild(
  say: (line: string) => void,
  write: (line: string) => void,
): Promise<void> {
  const webDir = path.join(repoRoot, 'apps/web');
  const release = await lock(webDir, {
    lockfilePath: path.join(webDir, '.next-build.lock'),
    realpath: false,
    // A crashed holder's lock counts as abandoned once it has not been refreshed for 20 s.
    stale: 20_000,
    update: 5_000,
    // Up to ten minutes of waiting, for builds on a busy machine.
    retries: { retries: 1_200, factor: 1, minTimeout: 500, maxTimeout: 500 },
  });
  try {
    if (!webBuildIsStale()) return;
    say('building the dashboard (first start, or its sources changed)…');
    await buildWeb(write);
  } finally {
    await release();
  }
}
