import { createServer } from 'node:http';

/**
 * The benchmark's target, run as its own process so its work does not count against the apps:
 * answers 200 to everything and notes when each request arrived.
 * GET /__hits?from=<ms>&to=<ms> returns how many arrived in [from, to) (epoch ms, this machine's clock).
 */
const arrivals: number[] = [];

/** The first index whose arrival is at or after `t` (arrivals are appended in time order). */
function firstAtOrAfter(t: number): number {
  let lo = 0;
  let hi = arrivals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arrivals[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const server = createServer((req, res) => {
  if (req.url?.startsWith('/__hits')) {
    const query = new URL(req.url, 'http://target').searchParams;
    const from = Number(query.get('from') ?? 0);
    const to = Number(query.get('to') ?? Number.MAX_SAFE_INTEGER);
    const hits = firstAtOrAfter(to) - firstAtOrAfter(from);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hits }));
    return;
  }
  arrivals.push(Date.now());
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
