import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@sentinelmesh/core';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; event: string; [key: string]: unknown };
  signatureValid: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** At most this much per answer, so a client that reads everything still ends (about 13 MB/s). */
const STREAM_CAP = 256 * 1024 * 1024;

/** 200, then 64 KiB every 5 ms until the client goes away; reports the bytes sent on close. */
function streamWithoutEnd(res: ServerResponse, onClose: (bytes: number) => void) {
  let sent = 0;
  res.writeHead(200, { 'content-type': 'text/plain' });
  const timer = setInterval(() => {
    // Honours back-pressure, so what this receiver buffers is not counted as the client's memory.
    if (res.destroyed || res.writableNeedDrain || sent >= STREAM_CAP) return;
    res.write(CHUNK);
    sent += CHUNK.length;
  }, 5);
  res.once('close', () => {
    clearInterval(timer);
    onClose(sent);
  });
}

/**
 * A local webhook receiver: checks each request's signature against the secret of its path and
 * answers with the next status scripted for that path (200 once the script runs out).
 */
export async function startReceiver(secrets: Record<string, string>) {
  const received: ReceivedWebhook[] = [];
  const scripts = new Map<string, number[]>();
  const streaming = new Set<string>();
  const streamed: number[] = [];
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
      if (streaming.has(path)) {
        streamWithoutEnd(res, (bytes) => streamed.push(bytes));
        return;
      }
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
    /** Answers every request to `path` with 200 and a body that never ends. */
    streamWithoutEnd: (path: string) => streaming.add(path),
    /** Bytes of body each streamed answer got out before the client closed the connection. */
    streamed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
