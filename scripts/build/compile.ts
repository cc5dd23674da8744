import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** What `pnpm build` compiles: each workspace package and back-end app, entry by entry. */
export const compileTargets = [
  { dir: 'packages/core', entries: ['index'] },
  { dir: 'packages/platform', entries: ['index'] },
  { dir: 'packages/db', entries: ['index', 'migrate-cli'] },
  { dir: 'apps/api', entries: ['main'] },
  { dir: 'apps/scheduler', entries: ['main'] },
  { dir: 'apps/worker', entries: ['main'], copies: ['browser/runner.mjs'] },
  { dir: 'apps/verifier', entries: ['main'] },
] as const;

/**
 * Compiles one package or app to `dist/<entry>.js`: its own modules in one ES module file, every
 * package it imports (workspace ones included, which resolve to their own dist) left to Node.
 * No source maps: production runs without their cost.
 */
export async function compile(root: string, target: (typeof compileTargets)[number]): Promise<void> {
  const dir = path.join(root, target.dir);
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    entryPoints: target.entries.map((entry) => ({ in: `src/${entry}.ts`, out: entry })),
    outdir: 'dist',
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Files run as they are by a process of their own (the browser check's runner), next to the bundle.
  for (const file of 'copies' in target ? target.copies : []) {
    cpSync(path.join(dir, 'src', file), path.join(dir, 'dist', file));
  }
}
