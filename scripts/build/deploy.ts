import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** The back-end apps, each deployed to `dist/<app>` with its production dependencies. */
export const backendApps = ['api', 'scheduler', 'worker', 'verifier'] as const;
export const deployedApps = [...backendApps, 'web'] as const;
export type DeployedApp = (typeof deployedApps)[number];

export const deployDir = (root: string, app: DeployedApp) => path.join(root, 'dist', app);

/**
 * `pnpm deploy --prod`: the app's `files` (its dist/) and a node_modules of production dependencies
 * only, workspace packages copied in with their own `files` (dist/).
 */
export function deployBackendApp(root: string, app: (typeof backendApps)[number]): void {
  const target = deployDir(root, app);
  rmSync(target, { recursive: true, force: true });
  // Under `pnpm build`, npm_execpath is the pnpm that runs us; elsewhere the one on PATH.
  const pnpm = process.env.npm_execpath?.includes('pnpm')
    ? [process.execPath, process.env.npm_execpath]
    : ['pnpm'];
  execFileSync(
    pnpm[0] as string,
    [
      ...pnpm.slice(1),
      '--filter',
      `@sentinelmesh/${app}`,
      'deploy',
      '--prod',
      '--legacy',
      '--config.reporter=silent',
      target,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  useCompiledExports(path.join(target, 'node_modules', '.pnpm'));
}

/**
 * In the repository, workspace packages export their TypeScript sources (tests and tsx load them);
 * a deployed copy exports what `publishConfig` names, its compiled dist/, as `pnpm publish` would.
 * The copied manifests are hard links into pnpm's store, so each is replaced, never written through.
 */
function useCompiledExports(virtualStore: string): void {
  for (const entry of readdirSync(virtualStore)) {
    if (!entry.startsWith('@sentinelmesh+')) continue;
    const scope = path.join(virtualStore, entry, 'node_modules', '@sentinelmesh');
    for (const name of readdirSync(scope)) {
      const file = path.join(scope, name, 'package.json');
      if (!statSync(file).isFile()) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
        publishConfig?: Record<string, unknown>;
      };
      if (!manifest.publishConfig) continue;
      const { publishConfig, devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
      unlinkSync(file);
      writeFileSync(file, `${JSON.stringify({ ...rest, ...publishConfig }, null, 2)}\n`);
    }
  }
}

/**
 * The dashboard's deploy folder: Next.js' standalone output (server.js with the traced node_modules)
 * plus the static assets it leaves for a CDN or the image to serve.
 */
export function deployWeb(root: string): void {
  const web = path.join(root, 'apps', 'web');
  const built = path.join(web, '.next-standalone');
  const standalone = path.join(built, 'standalone');
  if (!existsSync(standalone)) throw new Error('apps/web/.next-standalone is missing: run `pnpm build`');
  const target = deployDir(root, 'web');
  rmSync(target, { recursive: true, force: true });
  cpSync(standalone, target, { recursive: true, verbatimSymlinks: true });
  cpSync(path.join(built, 'static'), path.join(target, 'apps', 'web', '.next-standalone', 'static'), {
    recursive: true,
  });
  if (existsSync(path.join(web, 'public'))) {
    cpSync(path.join(web, 'public'), path.join(target, 'apps', 'web', 'public'), { recursive: true });
  }
}

/** Bytes of a folder, every file counted once (deploy folders hold no hard links of their own). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
