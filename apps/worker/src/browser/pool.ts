import { type ChildProcess, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Semaphore } from '../semaphore';
import { type ProxyFailure, startGuardedProxy } from './guarded-proxy';

/** One script to run, with the monitor's time limit and the deployment's target rule. */
export interface BrowserTask {
  script: string;
  url?: string | undefined;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** The monitor's secret variables, read by the script as `secrets.NAME`; masked in what it reports. */
  secrets?: Readonly<Record<string, string>>;
}

export interface BrowserVitals {
  lcp: number | null;
  fcp: number | null;
  cls: number | null;
  ttfb: number | null;
}

export interface ScriptError {
  message: string;
  name: string;
  line: number | null;
  step: string;
}

/** What one run came to: the script's own end, the time limit, or the runner dying. */
type RunEnd =
  | {
      end: 'done';
      ok: boolean;
      error: ScriptError | null;
      vitals: BrowserVitals | null;
      steps: number;
      durationMs: number;
      screenshot: Buffer | null;
    }
  | { end: 'timeout'; step: string | null; line: number | null }
  | { end: 'crashed'; message: string };

/** A run's end, with what the guarded proxy refused or could not reach meanwhile. */
export type BrowserRunResult = RunEnd & { proxyFailures: ProxyFailure[] };

export interface BrowserPool {
  run(task: BrowserTask): Promise<BrowserRunResult>;
  /** Runs now, and runs waiting for a place. */
  readonly busy: number;
  /** Takes no more runs (they end as crashed) and resolves once the runs under way have ended. */
  close(): Promise<void>;
}

export interface BrowserPoolOptions {
  /** Scripts running at once, each with its own Chromium and runner process. */
  concurrency: number;
  executablePath: string;
  /** runner.mjs: src/browser/ from the sources, dist/browser/ when built (main.ts says which). */
  runnerPath: string;
  /** The runner's V8 heap bound. Default 128 MiB. */
  runnerHeapMb?: number;
  /** The JavaScript heap bound of Chromium's renderers. Default 256 MiB. */
  rendererHeapMb?: number;
  /** Bounds starting Chromium and the runner, before the script's own time limit starts. Default 30 s. */
  startupMs?: number;
}

const playwrightEntry = realpathSync(createRequire(import.meta.url).resolve('playwright-core/package.json'));
const PLAYWRIGHT_DIR = path.dirname(playwrightEntry);

// Paths playwright-core probes at load (its WSL detection); existsSync throws when they may not be read.
const PROBED_PATHS = ['/proc/sys/fs/binfmt_misc/WSLInterop', '/run/WSL'];

const majorNode = Number(process.versions.node.split('.')[0]);

/**
 * Node's flags for the runner: the permission model (`--permission` from Node 22, experimental in
 * 20) with reads of the runner and playwright-core only, so no writes, no child processes, no
 * worker threads, no native addons; and a heap bound.
 */
export function runnerArgs(runnerPath: string, heapMb: number): string[] {
  const tree = (dir: string) => (majorNode >= 22 ? dir : `${dir}/*`);
  return [
    majorNode >= 22 ? '--permission' : '--experimental-permission',
    `--allow-fs-read=${runnerPath}`,
    `--allow-fs-read=${tree(PLAYWRIGHT_DIR)}`,
    ...PROBED_PATHS.map((p) => `--allow-fs-read=${p}`),
    `--max-old-space-size=${heapMb}`,
    '--no-warnings',
    runnerPath,
  ];
}

/** Chromium's flags: every request through the guarded proxy (loopback too), nothing in the background. */
export function chromiumArgs(proxyPort: number, rendererHeapMb: number): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--renderer-process-limit=2',
    `--js-flags=--max-old-space-size=${rendererHeapMb}`,
    `--proxy-server=http://127.0.0.1:${proxyPort}`,
    '--proxy-bypass-list=<-loopback>',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  ];
}

const killed = (child: ChildProcess) => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

/**
 * A bounded pool of browser runs. Each run gets its own guarded proxy, its own Chromium (launched
 * here with an empty environment and a memory cap, so the script's process needs no right to start
 * programs) and its own runner process (empty environment, permission model, heap bound); all three
 * are torn down when the script ends, fails, or reaches the monitor's timeout.
 */
export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const places = new Semaphore(options.concurrency);
  let busy = 0;
  let closed = false;
  const underWay = new Set<Promise<BrowserRunResult>>();

  async function runOnce(task: BrowserTask): Promise<BrowserRunResult> {
    const proxy = await startGuardedProxy({ allowPrivate: task.allowPrivateTargets });
    const withFailures = (result: RunEnd): BrowserRunResult => ({
      ...result,
      proxyFailures: [...proxy.failures],
    });
    let server: Awaited<ReturnType<typeof chromium.launchServer>> | null = null;
    let child: ChildProcess | null = null;
    try {
      server = await chromium.launchServer({
        executablePath: options.executablePath,
        headless: true,
        args: chromiumArgs(proxy.port, options.rendererHeapMb ?? 256),
        env: {},
        timeout: options.startupMs ?? 30_000,
      });
      const runner = spawn(process.execPath, runnerArgs(options.runnerPath, options.runnerHeapMb ?? 128), {
        env: {},
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      child = runner;
      let stderr = '';
      runner.stderr?.on('data', (chunk: Buffer) => {
        if (stderr.length < 2000) stderr += chunk.toString('utf8');
      });
      const result = await new Promise<BrowserRunResult>((resolve) => {
        let last: { step: string | null; line: number | null } = { step: null, line: null };
        let timer = setTimeout(
          () => resolve(withFailures({ end: 'crashed', message: 'the browser did not start in time' })),
          options.startupMs ?? 30_000,
        );
        const finish = (result: BrowserRunResult) => {
          clearTimeout(timer);
          resolve(result);
        };
        runner.on('message', (message: Record<string, unknown>) => {
          if (message.type === 'started') {
            clearTimeout(timer);
            timer = setTimeout(() => finish(withFailures({ end: 'timeout', ...last })), task.timeoutMs);
          } else if (message.type === 'step') {
            last = {
              step: typeof message.step === 'string' ? message.step : null,
              line: typeof message.line === 'number' ? message.line : null,
            };
          } else if (message.type === 'done') {
            finish(withFailures(doneResult(message)));
          } else if (message.type === 'crashed') {
            finish(withFailures({ end: 'crashed', message: String(message.message) }));
          }
        });
        runner.once('exit', (code, signal) => {
          const why = signal ? `signal ${signal}` : `code ${code}`;
          const detail = stderr.trim().split('\n').slice(-1)[0] ?? '';
          finish(
            withFailures({ end: 'crashed', message: `the script's process ended (${why}) ${detail}`.trim() }),
          );
        });
        runner.send({
          playwright: path.join(PLAYWRIGHT_DIR, 'index.mjs'),
          wsEndpoint: server?.wsEndpoint(),
          script: task.script,
          url: task.url ?? null,
          timeoutMs: task.timeoutMs,
          // Over the runner's own IPC channel, never a queue or a log.
          secrets: task.secrets ?? {},
        });
      });
      return result;
    } catch (error) {
      return withFailures({
        end: 'crashed',
        message: `cannot start the browser: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      });
    } finally {
      if (child) killed(child);
      await server?.close().catch(() => undefined);
      await proxy.close();
    }
  }

  return {
    get busy() {
      return busy;
    },
    run(task) {
      if (closed) {
        return Promise.resolve({ end: 'crashed', message: 'the browser pool is closed', proxyFailures: [] });
      }
      busy++;
      const run = (async () => {
        await places.acquire();
        try {
          return await runOnce(task);
        } finally {
          places.release();
          busy--;
        }
      })();
      underWay.add(run);
      void run.finally(() => underWay.delete(run));
      return run;
    },
    async close() {
      closed = true;
      await Promise.allSettled([...underWay]);
    },
  };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);

/** The runner's `done` message, read as untrusted (the script ran in that process). */
function doneResult(message: Record<string, unknown>): Extract<RunEnd, { end: 'done' }> {
  const e = message.error as Record<string, unknown> | null | undefined;
  const v = message.vitals as Record<string, unknown> | null | undefined;
  const png = typeof message.screenshot === 'string' ? Buffer.from(message.screenshot, 'base64') : null;
  return {
    end: 'done',
    ok: message.ok === true && !e,
    error: e
      ? {
          message: str(e.message, 'the script failed').slice(0, 300),
          name: str(e.name, 'Error').slice(0, 60),
          line: num(e.line),
          step: str(e.step, '').slice(0, 200),
        }
      : null,
    vitals: v ? { lcp: num(v.lcp), fcp: num(v.fcp), cls: num(v.cls), ttfb: num(v.ttfb) } : null,
    steps: num(message.steps) ?? 0,
    durationMs: num(message.durationMs) ?? 0,
    screenshot: png && png.length > 0 ? png : null,
  };
}
