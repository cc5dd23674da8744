import path from 'node:path';
import { build } from 'esbuild';
import { deployDir } from './deploy';

/**
 * The dashboard's server (apps/web/server/main.ts: Next.js behind the status pages' shared cache) as
 * one file beside the standalone build's own server.js: `node apps/web/front.mjs` in dist/web. Next.js
 * itself stays outside, from the build's traced node_modules.
 */
export async function buildWebServer(root: string): Promise<string> {
  const file = path.join(deployDir(root, 'web'), 'apps', 'web', 'front.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['apps/web/server/main.ts'],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    external: ['next'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __frontRequire } from 'node:module';const require = __frontRequire(import.meta.url);",
    },
  });
  return file;
}
