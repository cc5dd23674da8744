import { existsSync } from 'node:fs';
import path from 'node:path';
import { deployDir, deployedApps, folderBytes } from './deploy';

/** `pnpm build:sizes`: the bytes each image adds to its Node base image (its deploy folder). */
const root = path.resolve(import.meta.dirname, '..', '..');
for (const app of deployedApps) {
  const dir = deployDir(root, app);
  if (!existsSync(dir)) {
    process.stdout.write(`${app.padEnd(10)} not built (run pnpm build)\n`);
    continue;
  }
  const bytes = folderBytes(dir);
  const mib = (bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(`${app.padEnd(10)} ${String(bytes).padStart(12)} bytes  ${mib} MiB\n`);
}
