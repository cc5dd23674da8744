import path from 'node:path';
import { buildProbe } from './probe';

/** `pnpm build:probe`: the probe's single file alone, dist/probe/probe.js. */
const root = path.resolve(import.meta.dirname, '..', '..');
const { file, bytes } = await buildProbe(root);
process.stdout.write(
  `build | ${path.relative(root, file)}: ${bytes} bytes (${(bytes / 1024 / 1024).toFixed(2)} MiB)\n`,
);
