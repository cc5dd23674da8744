import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@sentinelmesh/core';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; event: string; [key: string]: unknown };
  signatureValid: boolean;
}

/**
 * A local webhook receiver: checks each request's signature against the secret of its path and
 * answers with the next status scripted for that path (200 once the script runs out).
 */
export async function startReceiver(secrets: Record<string, string>) {
  const received: ReceivedWebhook[] = [];
  const scripts = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-sentinel-signature'];
      const secret = secrets[path];
      received.push({
        path,
        headers: req.headers,
        rawBody,
        body: JSON.parse(rawBody),
        signatureValid:
          typeof header === 'string' && secret !== undefined
            ? verifyWebhookSignature([secret], rawBody, header, Math.floor(Date.now() / 1000))
            : false,
      });
      const status = scripts.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    /** Answers the next requests to `path` with these statuses, in order. */
    script: (path: string, statuses: number[]) => scripts.set(path, [...statuses]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
