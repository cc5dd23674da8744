import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { deployDir, deployedApps, folderBytes } from './deploy';
import { probeArtifact } from './probe';

/**
 * `pnpm build:sizes`: the bytes each image adds to its Node base image (its deploy folder), and the
 * probe's single file (`pnpm build:probe` builds it alone).
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const line = (name: string, bytes: number) =>
  `${name.padEnd(10)} ${String(bytes).padStart(12)} bytes  ${(bytes / 1024 / 1024).toFixed(1)} MiB\n`;
for (const app of deployedApps) {
  const dir = deployDir(root, app);
  if (!existsSync(dir)) {
    process.stdout.write(`${app.padEnd(10)} not built (run pnpm build)\n`);
    continue;
  }
  process.stdout.write(line(app, folderBytes(dir)));
}
const probe = probeArtifact(root);
process.stdout.write(
  existsSync(probe)
    ? line('probe', statSync(probe).size)
    : `${'probe'.padEnd(10)} not built (run pnpm build:probe)\n`,
);
