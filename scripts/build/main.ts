import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildBackend } from './backend';
import { backendApps, deployWeb } from './deploy';
import { buildProbe } from './probe';
import { buildWebServer } from './web-server';

/**
 * `pnpm build`: what the Dockerfile runs. Compiles every workspace package and back-end app to its
 * dist/, builds the dashboard (Next.js standalone output), then lays out one deploy folder per image
 * in dist/<app>, and the probe as one file (dist/probe/probe.js). BUILD_WEB=false skips the dashboard.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const say = (line: string) => process.stdout.write(`build | ${line}\n`);
const started = Date.now();

await buildBackend(root, backendApps, say);
const probe = await buildProbe(root);
say(`built ${path.relative(root, probe.file)}`);

if (process.env.BUILD_WEB !== 'false') {
  execFileSync(process.execPath, [path.join(root, 'apps/web/node_modules/next/dist/bin/next'), 'build'], {
    cwd: path.join(root, 'apps', 'web'),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', WEB_BUILD: 'standalone' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  deployWeb(root);
  say(`deployed dist/web (${path.relative(root, await buildWebServer(root))})`);
}
say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
