import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  type CheckDetail,
  type CheckOutcome,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
} from '@sentinelmesh/core';
import { resolveTarget } from '@sentinelmesh/platform';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';
import { parsePingOutput } from './ping-output';

const PING_SOURCES: ReadonlySet<string> = new Set(checkTypes.ping.assertions.sources);

/** The system's iputils `ping`; the worker image installs it (see docs/checks.md for the capability). */
export const PING_COMMAND = 'ping';

/** At most this much of ping's output is read. */
const MAX_OUTPUT = 64 * 1024;

interface PingRun {
  code: number | null;
  output: string;
  error: Error | null;
  timedOut: boolean;
}

/** Runs `ping` with arguments as an array (no shell), killed when the check's time is up. */
function runPing(args: string[], timeoutMs: number): Promise<PingRun> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(PING_COMMAND, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
      // ping prints its summary on SIGINT; one that does not exit is killed outright.
      setTimeout(() => child.kill('SIGKILL'), 200).unref();
    }, timeoutMs);
    const done = (run: Omit<PingRun, 'output' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...run, output, timedOut });
    };
    child.once('error', (error) => done({ code: null, error }));
    child.once('close', (code) => done({ code, error: null }));
  });
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * A ping check: resolves the host once through the target guard, then runs the system `ping`
 * against exactly that address. Ok when at least one reply came back and the loss and round-trip
 * assertions hold; no reply at all fails as `timeout` (or `connect` when the host was unreachable).
 */
export async function pingCheck(spec: CheckSpecOf<'ping'>, ctx: CheckContext): Promise<CheckOutcome> {
  const started = performance.now();
  let target: { address: string; family: number };
  try {
    target = await resolveTarget(spec.host, { allowPrivate: ctx.allowPrivateTargets });
  } catch (error) {
    return failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }));
  }
  const dnsMs = performance.now() - started;
  // ping's own deadline (-w, whole seconds) is the check's time rounded up; the timer in runPing
  // interrupts it at the check's time exactly, and ping then prints what it has.
  const deadline = Math.ceil(spec.timeoutMs / 1000);
  const args = [
    target.family === 6 ? '-6' : '-4',
    '-n',
    '-c',
    String(spec.count),
    '-i',
    (spec.intervalMs / 1000).toFixed(3),
    '-w',
    String(deadline),
    target.address,
  ];
  const run = await runPing(args, spec.timeoutMs);
  const latencyMs = performance.now() - started;
  const phases = { ...emptyPhases, dnsMs };
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    return failedOutcome(
      {
        kind: 'internal',
        message: missing ? 'the ping command is not installed on this worker' : shorten(run.error.message),
      },
      { latencyMs, phases },
    );
  }
  const report = parsePingOutput(run.output);
  if (report.transmitted === 0 && !run.timedOut) {
    // ping refused to run (no permission for ICMP sockets, bad address): say what it said.
    const said = run.output.trim().split('\n')[0] ?? '';
    const denied = /not permitted|permission denied/i.test(said);
    return failedOutcome(
      {
        kind: report.unreachable ? 'connect' : 'internal',
        message: shorten(
          denied
            ? `ping may not open ICMP sockets here (${said}); see CAP_NET_RAW in docs/checks.md`
            : `ping: ${said}`,
        ),
      },
      { latencyMs, phases },
    );
  }
  const lossPercent =
    report.transmitted === 0
      ? 100
      : round(((report.transmitted - report.received) / report.transmitted) * 100);
  const rtts = report.rttsMs;
  const avg = rtts.length > 0 ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
  const details: CheckDetail[] = [
    { label: 'Packets sent', value: report.transmitted, unit: 'count' },
    { label: 'Packets received', value: report.received, unit: 'count' },
    { label: 'Packet loss', value: lossPercent, unit: 'percent' },
    { label: 'RTT min', value: rtts.length > 0 ? round(Math.min(...rtts)) : null, unit: 'ms' },
    { label: 'RTT avg', value: avg === null ? null : round(avg), unit: 'ms' },
    { label: 'RTT max', value: rtts.length > 0 ? round(Math.max(...rtts)) : null, unit: 'ms' },
  ];
  if (report.received === 0) {
    const error = report.unreachable
      ? {
          kind: 'connect' as const,
          message: `${spec.host} is unreachable (${report.transmitted} echo requests)`,
        }
      : {
          kind: 'timeout' as const,
          message: `no reply to ${report.transmitted || spec.count} echo requests within ${spec.timeoutMs} ms`,
        };
    return { ...failedOutcome(error, { latencyMs, phases }), details };
  }
  // responseTimeMs is the average round trip, not the time the whole run took.
  const measured = { statusCode: null, latencyMs: avg, phases, certExpiresAt: null };
  const applicable = spec.assertions.filter((a) => PING_SOURCES.has(a.source));
  const failed = evaluateAssertions(
    applicable,
    { ...measured, headers: {}, body: null, packetLossPercent: lossPercent },
    ctx.now(),
  );
  return { ...answeredOutcome(measured, failed), details };
}
