import { describe, expect, it } from 'vitest';
import {
  addMonitorLine,
  bestMeeting,
  cpuMsPerCheck,
  cpuUsed,
  emptyMonitorSample,
  endToEndGoals,
  evaluateGoals,
  goalsSummary,
  parseRedisInfo,
  perCheck,
  redisDelta,
  redisWindow,
  type StepFigures,
} from '../scripts/bench/figures';

const info = (total: number, stats: Record<string, number>) =>
  [
    '# Stats',
    'total_connections_received:5',
    `total_commands_processed:${total}`,
    'instantaneous_ops_per_sec:0',
    '',
    '# Commandstats',
    ...Object.entries(stats).map(
      ([name, calls]) =>
        `cmdstat_${name}:calls=${calls},usec=93,usec_per_call=93.00,rejected_calls=0,failed_calls=0`,
    ),
  ].join('\r\n');

describe('Redis counters from INFO', () => {
  it('reads total_commands_processed and the calls of each command, subcommands under their command', () => {
    const counters = parseRedisInfo(
      info(7, { evalsha: 1, set: 2, 'client|setname': 1, 'client|list': 2, info: 3 }),
    );
    expect(counters.commands).toBe(7);
    expect(Object.fromEntries(counters.calls)).toEqual({ evalsha: 1, set: 2, client: 3, info: 3 });
  });

  it('takes the window as after minus before, leaving out commands that did not run in it', () => {
    const before = parseRedisInfo(info(100, { evalsha: 10, hset: 30, bzpopmin: 5 }));
    const after = parseRedisInfo(info(160, { evalsha: 20, hset: 80, bzpopmin: 5 }));
    const delta = redisDelta(before, after);
    expect(delta.commands).toBe(60);
    expect(Object.fromEntries(delta.calls)).toEqual({ evalsha: 10, hset: 50 });
  });
});

describe('Redis calls and executed commands of a window', () => {
  it('classifies MONITOR lines by whether a script ran them', () => {
    const sample = emptyMonitorSample();
    addMonitorLine(sample, '+OK');
    addMonitorLine(sample, '+1700000000.123456 [0 127.0.0.1:50012] "evalsha" "abc" "0"');
    addMonitorLine(sample, '+1700000000.123470 [0 lua] "HSET" "k" "f" "v"');
    addMonitorLine(sample, '1700000000.123480 [0 lua] "hset" "k" "g" "w"');
    addMonitorLine(sample, '+1700000000.123490 [0 unix:/tmp/redis.sock] "hset" "k" "h" "x"');
    expect(Object.fromEntries(sample.fromClients)).toEqual({ evalsha: 1, hset: 1 });
    expect(Object.fromEntries(sample.fromScripts)).toEqual({ hset: 2 });
  });

  it('counts commands run inside scripts as executed but not as calls, splitting a shared name as the sample did', () => {
    // 10 script calls ran 40 HSETs and 20 ZADDs; clients also sent 20 HSETs and 5 BZPOPMINs of their own.
    const delta = {
      commands: 96,
      calls: new Map([
        ['evalsha', 10],
        ['hset', 60],
        ['zadd', 20],
        ['bzpopmin', 5],
        ['info', 1],
      ]),
    };
    const sample = emptyMonitorSample();
    sample.fromClients.set('evalsha', 100).set('hset', 200).set('bzpopmin', 50);
    sample.fromScripts.set('hset', 400).set('zadd', 200);
    const window = redisWindow(delta, sample, 1);
    expect(window.executed).toBe(95);
    expect(window.calls).toBe(95 - 40 - 20);
  });

  it('counts a command the sample never saw as sent by a client', () => {
    const delta = {
      commands: 3,
      calls: new Map([
        ['evalsha', 1],
        ['get', 1],
        ['publish', 1],
      ]),
    };
    const sample = emptyMonitorSample();
    sample.fromScripts.set('get', 1);
    expect(redisWindow(delta, sample, 0)).toEqual({ executed: 3, calls: 2 });
  });
});

describe('per-check arithmetic', () => {
  it('divides by the checks of the window, and has no figure without checks', () => {
    expect(perCheck(550, 100)).toBe(5.5);
    expect(perCheck(550, 0)).toBeNull();
    expect(perCheck(null, 100)).toBeNull();
  });

  it('sums the CPU of the named processes in milliseconds per check', () => {
    const used = cpuUsed(
      new Map([
        ['worker', 10],
        ['redis', 4],
        ['target', 1],
      ]),
      new Map([
        ['worker', 22.6],
        ['redis', 11],
        ['target', 3],
        ['verifier', 2],
      ]),
    );
    // The verifier appeared in the window: it had no "before", so it counts as 0 rather than all its CPU.
    expect(used.get('verifier')).toBe(0);
    expect(cpuMsPerCheck(used, ['worker', 'redis', 'verifier'], 20_000)).toBeCloseTo(0.98, 6);
    expect(cpuMsPerCheck(used, ['target'], 20_000)).toBeCloseTo(0.1, 6);
  });
});

const step = (monitors: number, overrides: Partial<StepFigures> = {}): StepFigures => ({
  monitors,
  checksPerSec: monitors,
  arrivedShare: 1,
  persistedShare: 1,
  lagP99Ms: 300,
  verdictP99Ms: 400,
  redisCallsPerCheck: 0.5,
  redisCommandsPerCheck: 6,
  pgStatementsPerCheck: 0.05,
  cpuMsPerCheck: 0.7,
  ...overrides,
});

describe('the goals', () => {
  it('names the fastest step meeting every goal, and each figure at the highest step', () => {
    const steps = [
      step(1000),
      step(2000),
      step(2500, { lagP99Ms: 1400, cpuMsPerCheck: 0.9, arrivedShare: 0.97 }),
    ];
    const verdict = evaluateGoals(steps);
    expect(verdict.best?.monitors).toBe(2000);
    expect(verdict.atHighest?.step.monitors).toBe(2500);
    const missed = verdict.atHighest?.figures.filter((f) => !f.holds).map((f) => f.goal.name);
    expect(missed).toEqual(['arrived', 'lag p99', 'CPU ms/check']);
    const summary = goalsSummary(verdict);
    expect(summary).toContain('best step meeting every goal: 2000 monitors, 2000 checks/s');
    expect(summary).toContain('lag p99 1400 ms (<= 1000 ms) MISSED');
    expect(summary).toContain('CPU ms/check 0.90 (<= 0.8) MISSED');
  });

  it('does not count a goal as met when its figure could not be measured', () => {
    const verdict = evaluateGoals([step(1000, { pgStatementsPerCheck: null })]);
    expect(verdict.best).toBeNull();
    expect(goalsSummary(verdict)).toContain('no step meets every goal');
    expect(goalsSummary(verdict)).toContain('PG statements/check n/a (<= 0.1) MISSED');
  });

  it('judges the end-to-end rate by the rate goals alone', () => {
    const steps = [step(1000), step(1500, { redisCommandsPerCheck: 88, redisCallsPerCheck: 5.5 })];
    expect(bestMeeting(steps, endToEndGoals)?.monitors).toBe(1500);
    expect(evaluateGoals(steps).best?.monitors).toBe(1000);
  });

  it('holds at the limits themselves', () => {
    const atLimits = step(2000, {
      arrivedShare: 0.995,
      persistedShare: 0.99,
      lagP99Ms: 1000,
      verdictP99Ms: 1000,
      redisCallsPerCheck: 1,
      redisCommandsPerCheck: 10,
      pgStatementsPerCheck: 0.1,
      cpuMsPerCheck: 0.8,
    });
    expect(evaluateGoals([atLimits]).best?.monitors).toBe(2000);
  });
});
