import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The real launcher as a child process, running only the apps named, against given services. */
export class StackProcess {
  private child: ChildProcess | null = null;
  output = '';

  /** `env` is added to this process's environment for the launcher. */
  constructor(private readonly env: Record<string, string>) {}

  async start(timeoutMs = 90_000): Promise<void> {
    this.output = '';
    this.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const child = this.child;
    await waitFor(
      'the stack to start',
      () => {
        if (child.exitCode !== null) throw new Error(`the launcher exited with ${child.exitCode}`);
        return this.output.includes('SentinelMesh is running');
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Process ids by name, from the launcher's state file. */
  pids(): Record<string, number | null> {
    const file = path.join(String(this.env.STACK_DATA_DIR), 'stack.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as {
      processes: Array<{ name: string; pid: number | null }>;
    };
    return Object.fromEntries(state.processes.map((p) => [p.name, p.pid]));
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}

/** Resident memory of a process in MiB (Linux), or null when it is gone. */
export function rssMiB(pid: number | null): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** Linux reports CPU times in USER_HZ, 100 per second on every architecture it runs on. */
const CLOCK_TICKS = 100;

/** User + system CPU seconds of one process from /proc/<pid>/stat; with `reaped`, also its waited-for children's. */
function statCpuSeconds(pid: number, reaped: boolean): { seconds: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // Fields after the command name start at the state (field 3): ppid is field 4, utime..cstime 14..17.
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    const ticks = utime + stime + (reaped ? cutime + cstime : 0);
    return { seconds: ticks / CLOCK_TICKS, ppid: fields[1] ?? 0 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds a process has used so far; with `tree`, also its live children's and the reaped
 * ones' (Postgres: the postmaster and its backends).
 */
export function cpuSeconds(pid: number | null, tree = false): number | null {
  if (!pid) return null;
  const own = statCpuSeconds(pid, tree);
  if (!own) return null;
  if (!tree) return own.seconds;
  let total = own.seconds;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statCpuSeconds(Number(entry), false);
    if (child && child.ppid === pid) total += child.seconds;
  }
  return total;
}
