import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');

/** The Debian packages the app stage installs for the worker image. */
function workerPackages(): string[] {
  const app = dockerfile.slice(dockerfile.lastIndexOf('FROM node:24-slim AS app'));
  const install = /if \[ "\$APP" = worker \]; then([\s\S]*?)\bfi\b/.exec(app)?.[1] ?? '';
  const line = /apt-get install -y --no-install-recommends ([^&]+)/.exec(install.replace(/\\\n/g, ' '))?.[1];
  return (line ?? '').trim().split(/\s+/);
}

describe('the worker image', () => {
  it('installs Debian Chromium, which provides the CHROMIUM_PATH every deployment names, and fonts', () => {
    const packages = workerPackages();
    expect(packages).toEqual(expect.arrayContaining(['iputils-ping', 'chromium', 'fonts-liberation']));
    const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as { services: Record<string, { environment?: Record<string, string> }> };
    const paths = Object.entries(compose.services)
      .filter(([name]) => name.startsWith('worker'))
      .map(([, service]) => service.environment?.CHROMIUM_PATH);
    expect(paths.length).toBeGreaterThan(0);
    for (const chromiumPath of paths) {
      expect(chromiumPath).toBe('/usr/bin/chromium');
      // The same Debian package on this machine (the test setup installs it) owns that path.
      expect(execFileSync('dpkg', ['-S', chromiumPath as string], { encoding: 'utf8' })).toMatch(
        /^chromium: /,
      );
    }
  });
});
