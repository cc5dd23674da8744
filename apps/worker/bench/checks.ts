/**
 * Benchmark: the worker's HTTP check path (fresh connection per check through the target guard,
 * full phase timing, bounded body read, assertions) against a bare undici loop making the same
 * requests with a fresh connection each, in the same run, against the same local server.
 *
 *   pnpm --filter @sentinelmesh/worker bench [--requests 1000 --concurrency 50 --rounds 10]
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { CheckSpecOf } from '@sentinelmesh/core';
import { Agent, request } from 'undici';
import { runCheck } from '../src/checks/index';
import { userAgentFor } from '../src/version';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '10' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

const body = JSON.stringify({ status: 'ok', db: { status: 'up' } });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 1;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

const spec: CheckSpecOf<'http'> = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  type: 'http',
  name: 'bench',
  url,
  method: 'GET',
  headers: {},
  body: null,
  followRedirects: true,
  timeoutMs: 5000,
  intervalSeconds: 10,
  assertions: [
    { source: 'status', op: 'between', value: [200, 399] },
    { source: 'json', path: '$.db.status', op: 'eq', value: 'up' },
  ],
};
const context = {
  region: 'bench',
  userAgent: userAgentFor('bench'),
  allowPrivateTargets: true,
  now: () => new Date(),
};

async function workerCheck(): Promise<boolean> {
  const outcome = await runCheck(spec, context);
  return outcome.ok;
}

// The bare loop: one shared agent, `reset` closes each connection after its response.
const bare = new Agent();
async function bareRequest(): Promise<boolean> {
  const response = await request(url, {
    dispatcher: bare,
    reset: true,
    headers: { 'user-agent': context.userAgent },
  });
  const text = await response.body.text();
  return response.statusCode === 200 && text.length > 0;
}

async function run(
  fn: () => Promise<boolean>,
  count: number,
): Promise<{ perSecond: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        if (!(await fn())) failed++;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), failed };
}

await run(workerCheck, 500);
await run(bareRequest, 500);
// Short rounds, alternated, so that load from elsewhere on the machine falls on both alike.
const totals = { worker: { count: 0, seconds: 0 }, bare: { count: 0, seconds: 0 } };
let failures = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of [
    ['worker', workerCheck],
    ['bare', bareRequest],
  ] as const) {
    const result = await run(fn, REQUESTS);
    totals[name].count += REQUESTS;
    totals[name].seconds += REQUESTS / result.perSecond;
    failures += result.failed;
  }
}
const print = (line: string) => process.stdout.write(`${line}\n`);
const worker = totals.worker.count / totals.worker.seconds;
const bareRate = totals.bare.count / totals.bare.seconds;
print(`${ROUNDS} alternating rounds of ${REQUESTS} requests each, concurrency ${CONCURRENCY}`);
print(`worker check path: ${worker.toFixed(0)} checks/s`);
print(`bare undici loop:  ${bareRate.toFixed(0)} checks/s`);
print(
  `ratio worker/bare: ${(worker / bareRate).toFixed(2)}x${failures ? `  (${failures} failed checks!)` : ''}`,
);
await bare.close();
server.close();
