import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appSpecs } from '../scripts/stack/apps';
import { loadStackConfig } from '../scripts/stack/config';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-stack-replicas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const specs = (env: Record<string, string>) =>
  appSpecs(loadStackConfig({ STACK_DATA_DIR: dir, STACK_APPS: 'scheduler,worker,verifier', ...env }), {
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/x',
    redisUrl: 'redis://127.0.0.1:6379',
  }).map((s) => ({ name: s.name, region: s.env?.REGION, opsPort: s.env?.OPS_PORT }));

describe('worker and verifier replicas of the launcher', () => {
  it('runs one of each by default, on the ops ports it always had', () => {
    expect(specs({})).toEqual([
      { name: 'scheduler', region: undefined, opsPort: '3011' },
      { name: 'worker', region: 'local', opsPort: '3020' },
      { name: 'verifier', region: undefined, opsPort: '3013' },
    ]);
  });

  it('runs STACK_WORKERS workers per region and STACK_VERIFIERS verifiers, each on its own ops port', () => {
    expect(specs({ REGIONS: 'east,west', STACK_WORKERS: '2', STACK_VERIFIERS: '3' })).toEqual([
      { name: 'scheduler', region: undefined, opsPort: '3011' },
      { name: 'worker-east', region: 'east', opsPort: '3020' },
      { name: 'worker-west', region: 'west', opsPort: '3021' },
      { name: 'worker-east-2', region: 'east', opsPort: '3022' },
      { name: 'worker-west-2', region: 'west', opsPort: '3023' },
      { name: 'verifier', region: undefined, opsPort: '3013' },
      { name: 'verifier-2', region: undefined, opsPort: '3014' },
      { name: 'verifier-3', region: undefined, opsPort: '3015' },
    ]);
  });

  it('refuses more verifiers than have ops ports below the workers', () => {
    expect(() => specs({ STACK_VERIFIERS: '8' })).toThrow(/STACK_VERIFIERS/);
  });
});
