import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close: () => Promise<void>;
}

function listen(server: Server): Promise<Listening> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A target whose answer the test switches between healthy and failing. */
export async function startTarget(): Promise<
  Listening & { setStatus: (status: number) => void; hits: () => number }
> {
  let status = 200;
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status < 400 ? 'ok' : 'broken');
  });
  const listening = await listen(server);
  return { ...listening, setStatus: (s) => (status = s), hits: () => hits };
}

export interface ReceivedRequest {
  at: number;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
}

/** A webhook receiver that records every request and answers with `nextStatus()` (default 200). */
export async function startReceiver(
  nextStatus: () => number = () => 200,
): Promise<Listening & { received: ReceivedRequest[] }> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {}
      received.push({ at: Date.now(), headers: req.headers, rawBody, body });
      res.writeHead(nextStatus()).end();
    });
  });
  return { ...(await listen(server)), received };
}

/** An HTTP monitor of `url` quick enough for end-to-end tests: 2 s interval, down after two failures. */
export function fastHttpMonitor(url: string, channelIds: string[]) {
  return {
    type: 'http',
    name: 'Local target',
    url,
    intervalSeconds: 2,
    timeoutMs: 1000,
    failureThreshold: 2,
    recoveryThreshold: 2,
    retryIntervalSeconds: 1,
    channelIds,
  };
}
