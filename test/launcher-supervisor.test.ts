import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor } from '../scripts/stack/supervisor';
import { waitFor } from './support/wait';

const groupOf = (pid: number): number =>
  Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());

const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-supervisor-'));
const stopLog = path.join(dir, 'stops');

// A process that, once it listens for SIGTERM, says so; told to stop, it appends its name to the stop log.
const sleeper = (name: string) => {
  const up = path.join(dir, `${name}.up`);
  return {
    name,
    command: process.execPath,
    args: [
      '-e',
      `const fs = require('node:fs');
       process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(stopLog)}, '${name}\\n'); process.exit(0); });
       fs.writeFileSync(${JSON.stringify(up)}, '');
       setInterval(() => {}, 1000);`,
    ],
    ready: () => waitFor(`${name} to start`, () => existsSync(up), { timeoutMs: 10_000, intervalMs: 20 }),
  };
};

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('the launcher supervisor', () => {
  it("keeps Postgres and Redis out of the terminal's process group, and stops them after the apps", async () => {
    supervisor = new Supervisor({ write: () => {}, stopTimeoutMs: 5_000 });
    const redis = await supervisor.start(sleeper('redis'));
    const api = await supervisor.start(sleeper('api'));
    const redisPid = redis.child?.pid ?? 0;
    const apiPid = api.child?.pid ?? 0;

    // A terminal's Ctrl-C goes to the foreground group: the apps are in it, the services are not.
    expect(groupOf(apiPid)).toBe(groupOf(process.pid));
    expect(groupOf(redisPid)).toBe(redisPid);

    await supervisor.stopAll();
    supervisor = undefined;
    expect(readFileSync(stopLog, 'utf8').trim().split('\n')).toEqual(['api', 'redis']);
  });
});
