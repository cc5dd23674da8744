import { statSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * The workspace packages do nothing when imported but define things, so whatever the probe does
 * not use of them (the worker's Redis, Postgres and HTTP server plumbing) stays out of the file.
 */
function workspaceWithoutSideEffects(root: string): Plugin {
  const packages = path.join(root, 'packages') + path.sep;
  return {
    name: 'workspace-without-side-effects',
    setup(build) {
      build.onResolve({ filter: /^(@sentinelmesh\/|\.{1,2}\/)/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'inner',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return resolved.path.startsWith(packages) ? { ...resolved, sideEffects: false } : resolved;
      });
    },
  };
}

export const probeArtifact = (root: string) => path.join(root, 'dist', 'probe', 'probe.js');

/**
 * The probe as one file, every dependency inside: `node probe.js --gateway … --token …` needs
 * nothing else on the host but Node. Bundled CommonJS dependencies get a `require` of their own.
 */
export async function buildProbe(root: string): Promise<{ file: string; bytes: number }> {
  const file = probeArtifact(root);
  await build({
    absWorkingDir: root,
    entryPoints: ['apps/worker/src/probe-main.ts'],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [workspaceWithoutSideEffects(root)],
    banner: {
      js: "import { createRequire as __probeRequire } from 'node:module';const require = __probeRequire(import.meta.url);",
    },
  });
  return { file, bytes: statSync(file).size };
}
