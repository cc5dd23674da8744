import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
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
