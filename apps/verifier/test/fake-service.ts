import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake service took, as it arrived. */
export interface TakenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** What a fake service answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server on 127.0.0.1 standing in for a third-party service: `handle` checks a request
 * as the service does and answers as it does; `script` and `failNext` make the next requests fail first.
 * Every request is kept in `requests`, and every accepted one (2xx) in `accepted`.
 */
export async function startFakeService(handle: (request: TakenRequest) => Reply) {
  const requests: TakenRequest[] = [];
  const accepted: TakenRequest[] = [];
  const answers: Array<{ path: string; status: number; atMs: number }> = [];
  const scripts = new Map<string, Reply[]>();
  const upcoming: Reply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const taken: TakenRequest = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(taken);
      const pathname = new URL(taken.path, 'http://x').pathname;
      const reply = upcoming.shift() ?? scripts.get(pathname)?.shift() ?? handle(taken);
      answers.push({ path: pathname, status: reply.status, atMs: Date.now() });
      if (reply.status >= 200 && reply.status < 300) accepted.push(taken);
      const text =
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body);
      const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(reply.status, { 'content-type': type, ...reply.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    /** Every answer's status, in order, with its path and when it was given. */
    answers,
    /** Answers the next requests to `path` (no query) with these replies, in order. */
    script: (path: string, replies: Reply[]) => scripts.set(path, [...replies]),
    /** Answers the next requests, whatever their path, with these replies, in order. */
    failNext: (replies: Reply[]) => upcoming.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeService = Awaited<ReturnType<typeof startFakeService>>;

/** A JSON body, or undefined when it is not JSON. */
export function jsonOf(rawBody: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(rawBody) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
