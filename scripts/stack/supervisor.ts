import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type ProcessSpec, spawnSpec } from '@sentinelmesh/stack/process-spec';

export interface SupervisedProcess {
  spec: ProcessSpec;
  child: ChildProcess | null;
  restarts: number;
  startedAt: number;
  /** Signal that stops it gracefully (Postgres: SIGINT is its "fast" shutdown). */
  stopSignal: NodeJS.Signals;
}

export interface SupervisorOptions {
  /** Writes one line of a child's output, already prefixed. */
  write: (line: string) => void;
  onChange?: () => void;
  /** Grace before SIGKILL when stopping. */
  stopTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 30_000;
const HEALTHY_AFTER_MS = 10_000;

/**
 * Runs processes, prefixes their output, restarts any that dies (with backoff that resets once a
 * process has stayed up 10 s: a crash loop backs off, a killed process returns at once), and stops them all in reverse order of start.
 */
export class Supervisor {
  private readonly processes: SupervisedProcess[] = [];
  private stopping = false;
  private readonly width = 10;

  constructor(private readonly options: SupervisorOptions) {}

  get list(): readonly SupervisedProcess[] {
    return this.processes;
  }

  /** Starts a process and, when its spec has `ready`, waits for it. */
  async start(spec: ProcessSpec, stopSignal: NodeJS.Signals = 'SIGTERM'): Promise<SupervisedProcess> {
    const entry: SupervisedProcess = { spec, child: null, restarts: 0, startedAt: 0, stopSignal };
    this.processes.push(entry);
    this.launch(entry);
    await spec.ready?.();
    return entry;
  }

  private launch(entry: SupervisedProcess): void {
    // A terminal's Ctrl-C reaches every process of its group at once: the services stay out of it,
    // so they are still there while the apps drain, and stop after them.
    const child = spawnSpec({ ...entry.spec, ownGroup: isService(entry.spec) }, 'pipe');
    entry.child = child;
    entry.startedAt = Date.now();
    const prefix = `${entry.spec.name.padEnd(this.width)}|`;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.options.write(`${prefix} ${line}`));
    }
    child.on('error', (error) => this.options.write(`${prefix} failed to start: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (entry.child !== child) return;
      entry.child = null;
      this.options.onChange?.();
      if (this.stopping) return;
      const upFor = Date.now() - entry.startedAt;
      if (upFor > HEALTHY_AFTER_MS) entry.restarts = 0;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** entry.restarts);
      entry.restarts++;
      this.options.write(`${prefix} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      setTimeout(() => {
        if (!this.stopping) {
          this.launch(entry);
          this.options.onChange?.();
        }
      }, delay).unref();
    });
    this.options.onChange?.();
  }

  /** Stops every process, newest first, each with its own signal and a SIGKILL after the grace time. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const grace = this.options.stopTimeoutMs ?? 20_000;
    const groups = [...this.processes].reverse();
    // Apps stop together; the services they use (started first) stop after them.
    const services = groups.filter((p) => isService(p.spec));
    const apps = groups.filter((p) => !services.includes(p));
    await Promise.all(apps.map((p) => stopOne(p, grace)));
    await Promise.all(services.map((p) => stopOne(p, grace)));
  }
}

/** Postgres and Redis: what the apps use, started first and stopped last. */
const isService = (spec: ProcessSpec): boolean => spec.name === 'postgres' || spec.name === 'redis';

function stopOne(entry: SupervisedProcess, graceMs: number): Promise<void> {
  const child = entry.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(entry.stopSignal);
  });
}
