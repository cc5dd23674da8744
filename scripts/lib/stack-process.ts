import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
