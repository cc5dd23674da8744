import { type ChildProcess, spawn } from 'node:child_process';

/** How to run one long-lived process; the supervisor and the test setup both start processes from these. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Resolves once the process serves; rejects when it does not within its own time limit. */
  ready?: () => Promise<unknown>;
  /**
   * Runs in a process group of its own, so a terminal's Ctrl-C (sent to the whole foreground group)
   * does not reach it: whoever started it stops it, after the processes that use it.
   */
  ownGroup?: boolean;
}

export function spawnSpec(spec: ProcessSpec, stdio: 'inherit' | 'pipe' | 'ignore' = 'pipe'): ChildProcess {
  return spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', stdio, stdio],
    detached: spec.ownGroup === true,
    ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
  });
}

/** Sends `signal` and resolves once the child exits; SIGKILL after 10 s. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
