import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@sentinelmesh/stack/ports';
import { spawnSpec, stopChild } from '@sentinelmesh/stack/process-spec';
import { redisSpec } from '@sentinelmesh/stack/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisDelta, redisWindow } from '../scripts/bench/figures';
import { OWN_COMMANDS_PER_WINDOW, redisCounters, sampleMonitor } from '../scripts/bench/redis-stats';
import { waitFor } from './support/wait';

// A Redis of its own: the suite's shared one counts every other test file's commands too.
const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinelmesh-bench-redis-'));
let server: ChildProcess;
let url: string;
let redis: Redis;

beforeAll(async () => {
  const port = await freePort();
  const spec = redisSpec({ dataDir: dir, port, appendOnly: false });
  server = spawnSpec(spec, 'ignore');
  await spec.ready?.();
  url = `redis://127.0.0.1:${port}`;
  redis = new Redis(url);
});

afterAll(async () => {
  redis?.disconnect();
  if (server) await stopChild(server, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const SCRIPT =
  "redis.call('set', KEYS[1], '1'); redis.call('incr', KEYS[2]); redis.call('get', KEYS[1]); return 1";

describe('how Redis counts the commands run inside scripts', () => {
  it('counts them in total_commands_processed and in commandstats alike', async () => {
    const client = new Redis(url);
    const sha = (await client.script('LOAD', SCRIPT)) as string;
    const before = await redisCounters(redis);
    await client.evalsha(sha, 2, 'a', 'b');
    const after = await redisCounters(redis);
    client.disconnect();
    const delta = redisDelta(before, after);
    // The first read's INFO, the EVALSHA, and the three commands inside it.
    expect(delta.commands).toBe(OWN_COMMANDS_PER_WINDOW + 4);
    expect(Object.fromEntries(delta.calls)).toEqual({ info: 1, evalsha: 1, set: 1, incr: 1, get: 1 });
  });

  it('tells the calls clients sent from the commands executed, with a MONITOR sample', async () => {
    const client = new Redis(url);
    const sha = (await client.script('LOAD', SCRIPT)) as string;
    const before = await redisCounters(redis);
    const sampling = sampleMonitor(url, 1);
    await waitFor('the MONITOR connection', async () =>
      String(await redis.call('CLIENT', 'LIST')).includes('cmd=monitor'),
    );
    // 50 script calls of 3 commands each, and 20 SETs and 10 GETs sent directly: one pipeline each.
    const pipeline = client.pipeline();
    for (let i = 0; i < 50; i++) pipeline.evalsha(sha, 2, `k${i}`, `n${i}`);
    for (let i = 0; i < 20; i++) pipeline.set(`d${i}`, 'x');
    for (let i = 0; i < 10; i++) pipeline.get(`d${i}`);
    await pipeline.exec();
    const sample = await sampling;
    // The bench samples after its window; here the MONITOR and the CLIENT LIST calls that waited for
    // it fall inside the window, so they count as commands clients sent.
    const after = await redisCounters(redis);
    client.disconnect();
    const delta = redisDelta(before, after);
    const ofSampling = (delta.calls.get('client') ?? 0) + (delta.calls.get('monitor') ?? 0);
    const window = redisWindow(delta, sample, OWN_COMMANDS_PER_WINDOW);
    expect(window.executed).toBe(50 * 4 + 20 + 10 + ofSampling);
    expect(window.calls).toBe(50 + 20 + 10 + ofSampling);
  });
});
