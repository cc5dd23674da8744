import { createServer } from 'node:http';

/**
 * The benchmark's target, run as its own process so its work does not count against the apps:
 * answers 200 to everything and counts requests; GET /__hits returns the count.
 */
let hits = 0;
const server = createServer((req, res) => {
  if (req.url === '/__hits') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hits }));
    return;
  }
  hits++;
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
