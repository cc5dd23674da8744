import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '@sentinelmesh/db';
import { regionsCommand } from '../../apps/api/src/probes/regions-admin';
import { buildProbe } from '../../scripts/build/probe';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** Builds the probe's single file once per test file; every probe process of the test runs it. */
export const buildProbeFile = () => buildProbe(repoRoot).then((built) => built.file);

/**
 * A deployment probe region with one probe, made by the regions CLI's own commands (`regions add`,
 * then `regions probe-token`): the token is printed once and stored only as its SHA-256.
 */
export async function addProbeRegion(db: Db, region: string, probeName = `${region}-1`) {
  const noAnnouncement = async () => {};
  await regionsCommand(db, ['add', region], noAnnouncement);
  const printed = await regionsCommand(db, ['probe-token', region, probeName], noAnnouncement);
  const token = /token \(shown once\): (smp_\S+)/.exec(printed)?.[1];
  const probeId = /^probe (\S+) /.exec(printed)?.[1];
  if (!token || !probeId) throw new Error(`unexpected regions output: ${printed}`);
  return { token, probeId };
}

/**
 * `pnpm --filter @sentinelmesh/api regions revoke <probe-id>` as a real process: it revokes the
 * token in Postgres and announces it on Redis under `queuePrefix`, so polls in flight end at once.
 */
export function revokeWithCli(
  env: { DATABASE_URL: string; REDIS_URL: string; QUEUE_PREFIX: string },
  probeId: string,
) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'apps', 'api', 'src', 'regions-cli.ts'), 'revoke', probeId],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<string>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`regions revoke exited ${code}: ${output}`)),
    ),
  );
}

export interface ProbeProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  spoolDir: string;
}

/** `node probe.js --gateway … --token …` (the token in PROBE_TOKEN, as the docs advise). */
export function startProbeProcess(
  file: string,
  gateway: string,
  token: string,
  options: { spoolDir?: string; env?: Record<string, string> } = {},
): ProbeProcess {
  const spoolDir = options.spoolDir ?? mkdtempSync(path.join(os.tmpdir(), 'probe-spool-'));
  const child = spawn(process.execPath, [file, '--gateway', gateway, '--spool-dir', spoolDir], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PROBE_TOKEN: token,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, spoolDir };
}

/**
 * A TCP relay to `target` that the test cuts and restores: cut closes every connection through it
 * and stops listening, so the probe behind it sees its gateway gone; restore listens on the same port.
 */
export async function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server = listening;
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  return {
    url: () => `http://127.0.0.1:${port}`,
    cut,
    restore: listen,
    close: cut,
  };
}
