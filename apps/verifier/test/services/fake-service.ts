import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake service received, with the status it answered. */
export interface ServiceRequest {
  method: string;
  /** The path with its query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  atMs: number;
}

export interface ServiceReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON body, or undefined when it is not JSON. */
export function jsonOf(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const requestId = () => randomUUID();

/**
 * A local stand-in for a third-party HTTP API on 127.0.0.1: `handle` validates each request as
 * the service does and answers as it does; `failNext` scripts the next answers (an outage, a rate
 * limit) before `handle` is asked again. Every request is kept with the status it got.
 */
export async function startFakeService(handle: (request: Omit<ServiceRequest, 'status'>) => ServiceReply) {
  const requests: ServiceRequest[] = [];
  const scripted: ServiceReply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now(),
      };
      const reply = scripted.shift() ?? handle(request);
      requests.push({ ...request, status: reply.status });
      if (reply.body === undefined) {
        res.writeHead(reply.status, reply.headers ?? {}).end();
        return;
      }
      res
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The requests answered with a 2xx. */
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
    failNext: (...replies: ServiceReply[]) => scripted.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeService = Awaited<ReturnType<typeof startFakeService>>;
