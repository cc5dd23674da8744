import { compile, compileTargets } from './compile';
import { type backendApps, deployBackendApp } from './deploy';

type BackendApp = (typeof backendApps)[number];

/**
 * Compiles every workspace package and the back-end apps named, then lays out their deploy folders
 * in dist/<app>: what `pnpm build` does for the back end, limited to what a caller runs.
 */
export async function buildBackend(
  root: string,
  apps: readonly BackendApp[],
  say: (line: string) => void,
): Promise<void> {
  const wanted = new Set<string>(apps.map((app) => `apps/${app}`));
  const targets = compileTargets.filter((t) => t.dir.startsWith('packages/') || wanted.has(t.dir));
  for (const target of targets) await compile(root, target);
  say(`compiled ${targets.map((t) => t.dir).join(', ')}`);
  for (const app of apps) {
    deployBackendApp(root, app);
    say(`deployed dist/${app}`);
  }
}
