/**
 * The bench's arithmetic, apart from its I/O: Redis counters from `INFO`, the per-check figures of a
 * step, and the goals judged over the steps.
 */

/** What Redis has counted so far: `total_commands_processed`, and `calls` per command of `commandstats`. */
export interface RedisCounters {
  commands: number;
  /** By command name without its subcommand (`client|setname` counts as `client`). */
  calls: Map<string, number>;
}

/** Reads `INFO stats commandstats` (one reply or several) into counters. */
export function parseRedisInfo(text: string): RedisCounters {
  let commands = 0;
  const calls = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const total = /^total_commands_processed:(\d+)$/.exec(line);
    if (total) commands = Number(total[1]);
    const stat = /^cmdstat_([^:|]+)(?:\|[^:]*)?:calls=(\d+)/.exec(line);
    if (stat) {
      const name = (stat[1] as string).toLowerCase();
      calls.set(name, (calls.get(name) ?? 0) + Number(stat[2]));
    }
  }
  return { commands, calls };
}

/** Counters of the window: `after − before`. */
export function redisDelta(before: RedisCounters, after: RedisCounters): RedisCounters {
  const calls = new Map<string, number>();
  for (const [name, n] of after.calls) {
    const d = n - (before.calls.get(name) ?? 0);
    if (d > 0) calls.set(name, d);
  }
  return { commands: after.commands - before.commands, calls };
}

/** Commands seen on `MONITOR`, by name: run inside a script (`[db lua]`), or sent by a client. */
export interface MonitorSample {
  fromScripts: Map<string, number>;
  fromClients: Map<string, number>;
}

export const emptyMonitorSample = (): MonitorSample => ({ fromScripts: new Map(), fromClients: new Map() });

/** Adds one `MONITOR` line (`+1700000000.123456 [0 lua] "hset" "k" …`) to the sample; other lines are skipped. */
export function addMonitorLine(sample: MonitorSample, line: string): void {
  const match = /^\+?\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
  if (!match) return;
  const into = match[1] === 'lua' ? sample.fromScripts : sample.fromClients;
  const name = (match[2] as string).toLowerCase();
  into.set(name, (into.get(name) ?? 0) + 1);
}

export interface RedisWindow {
  /** Commands executed, counting those run inside scripts. */
  executed: number;
  /** Commands and script calls sent by clients. */
  calls: number;
}

/**
 * Redis (7.0) counts every command run inside EVALSHA/FCALL in `total_commands_processed` and in its
 * `commandstats` calls alike, so the calls clients sent are the executed commands minus those run
 * inside scripts. Which calls ran inside scripts comes from the window's `commandstats`, each command
 * name split as the `MONITOR` sample split it (a name the sample never saw inside a script counts as
 * sent by clients). `ownCommands` are the bench's own commands inside the window.
 */
export function redisWindow(delta: RedisCounters, sample: MonitorSample, ownCommands: number): RedisWindow {
  let insideScripts = 0;
  for (const [name, calls] of delta.calls) {
    const fromScripts = sample.fromScripts.get(name) ?? 0;
    const seen = fromScripts + (sample.fromClients.get(name) ?? 0);
    if (seen > 0) insideScripts += (calls * fromScripts) / seen;
  }
  const executed = Math.max(0, delta.commands - ownCommands);
  return { executed, calls: Math.max(0, executed - Math.round(insideScripts)) };
}

/** `count / checks`, or null without checks. */
export const perCheck = (count: number | null, checks: number): number | null =>
  count === null || checks <= 0 ? null : count / checks;

/** CPU seconds used in the window by process name. */
export function cpuUsed(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const used = new Map<string, number>();
  for (const [name, seconds] of after) used.set(name, Math.max(0, seconds - (before.get(name) ?? seconds)));
  return used;
}

/** Milliseconds of CPU per check, summed over the named processes (those missing count as 0). */
export function cpuMsPerCheck(used: Map<string, number>, names: string[], checks: number): number | null {
  const seconds = names.reduce((sum, name) => sum + (used.get(name) ?? 0), 0);
  return perCheck(seconds * 1000, checks);
}

/** What the goals look at in one step. */
export interface StepFigures {
  monitors: number;
  checksPerSec: number;
  arrivedShare: number;
  persistedShare: number;
  lagP99Ms: number | null;
  verdictP99Ms: number | null;
  redisCallsPerCheck: number | null;
  redisCommandsPerCheck: number | null;
  pgStatementsPerCheck: number | null;
  cpuMsPerCheck: number | null;
}

export interface Goal {
  name: string;
  limit: string;
  figure: (s: StepFigures) => number | null;
  holds: (value: number) => boolean;
  format: (value: number) => string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const two = (v: number) => v.toFixed(2);

/** The goals of issue 16 that one step of the bench can show. */
export const goals: Goal[] = [
  {
    name: 'arrived',
    limit: '>= 99.5%',
    figure: (s) => s.arrivedShare,
    holds: (v) => v >= 0.995,
    format: pct,
  },
  {
    name: 'persisted',
    limit: '>= 99%',
    figure: (s) => s.persistedShare,
    holds: (v) => v >= 0.99,
    format: pct,
  },
  { name: 'lag p99', limit: '<= 1000 ms', figure: (s) => s.lagP99Ms, holds: (v) => v <= 1000, format: ms },
  {
    name: 'result→verdict p99',
    limit: '<= 1000 ms',
    figure: (s) => s.verdictP99Ms,
    holds: (v) => v <= 1000,
    format: ms,
  },
  {
    name: 'Redis calls/check',
    limit: '<= 1',
    figure: (s) => s.redisCallsPerCheck,
    holds: (v) => v <= 1,
    format: two,
  },
  {
    name: 'Redis commands/check',
    limit: '<= 10',
    figure: (s) => s.redisCommandsPerCheck,
    holds: (v) => v <= 10,
    format: (v) => v.toFixed(1),
  },
  {
    name: 'PG statements/check',
    limit: '<= 0.1',
    figure: (s) => s.pgStatementsPerCheck,
    holds: (v) => v <= 0.1,
    format: (v) => v.toFixed(3),
  },
  {
    name: 'CPU ms/check',
    limit: '<= 0.8',
    figure: (s) => s.cpuMsPerCheck,
    holds: (v) => v <= 0.8,
    format: two,
  },
];

/** Whether a step meets one goal; a figure the step could not measure does not. */
export function meets(goal: Goal, step: StepFigures): boolean {
  const value = goal.figure(step);
  return value !== null && goal.holds(value);
}

export interface GoalsVerdict {
  /** The step with the most checks per second that meets every goal, if any does. */
  best: StepFigures | null;
  /** Each goal's figure at the step with the most monitors, and whether it holds there. */
  atHighest: {
    step: StepFigures;
    figures: Array<{ goal: Goal; value: number | null; holds: boolean }>;
  } | null;
}

/** The rate goals, apart from the costs per check: what "checks/s end to end" means. */
export const endToEndGoals = goals.slice(0, 4);

/** The step with the most checks per second that meets each of `which`, if any does. */
export function bestMeeting(steps: StepFigures[], which: Goal[]): StepFigures | null {
  return steps
    .filter((s) => which.every((g) => meets(g, s)))
    .reduce<StepFigures | null>((a, s) => (a === null || s.checksPerSec > a.checksPerSec ? s : a), null);
}

export function evaluateGoals(steps: StepFigures[]): GoalsVerdict {
  const best = bestMeeting(steps, goals);
  const highest = steps.reduce<StepFigures | null>(
    (a, s) => (a === null || s.monitors > a.monitors ? s : a),
    null,
  );
  return {
    best,
    atHighest: highest && {
      step: highest,
      figures: goals.map((goal) => ({ goal, value: goal.figure(highest), holds: meets(goal, highest) })),
    },
  };
}

/** The goals line(s) printed after the table. */
export function goalsSummary(verdict: GoalsVerdict): string {
  const best = verdict.best
    ? `best step meeting every goal: ${verdict.best.monitors} monitors, ${verdict.best.checksPerSec.toFixed(0)} checks/s`
    : 'no step meets every goal';
  if (!verdict.atHighest) return best;
  const figures = verdict.atHighest.figures
    .map(
      ({ goal, value, holds }) =>
        `${goal.name} ${value === null ? 'n/a' : goal.format(value)} (${goal.limit}) ${holds ? 'ok' : 'MISSED'}`,
    )
    .join('; ');
  return `${best}\nat the highest step (${verdict.atHighest.step.monitors} monitors): ${figures}`;
}
