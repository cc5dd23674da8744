import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
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

/** A target failure served to one region's check alone. */
export interface Blip {
  target: number;
  region: string;
  at: number;
}

/**
 * Targets `/t/<n>`: healthy unless `n` is in `down`, or `failNext` holds a count for `<n>@<region>`
 * of the region checking (read from the worker's User-Agent): that many of its next requests fail.
 */
export async function startTargets(down: Set<number>, failNext = new Map<string, number>()) {
  const blips: Blip[] = [];
  const server = createServer((req, res) => {
    const n = Number(/^\/t\/(\d+)/.exec(req.url ?? '')?.[1]);
    const region = /\(\+region=([^)]+)\)/.exec(req.headers['user-agent'] ?? '')?.[1] ?? '';
    const key = `${n}@${region}`;
    const left = failNext.get(key) ?? 0;
    if (left > 0) {
      failNext.set(key, left - 1);
      blips.push({ target: n, region, at: Date.now() });
    }
    const failing = down.has(n) || left > 0;
    res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' }).end(failing ? 'down' : 'ok');
  });
  return { ...(await listen(server)), blips };
}

export interface Delivery {
  id: string;
  event: string;
  monitorId: string;
  incidentId: string | null;
  occurredAt: string;
  cause: string | null;
  at: number;
}

/** A webhook receiver that records every delivery and always accepts it. */
export async function startReceiver() {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: string;
          event: string;
          occurredAt: string;
          monitor: { id: string };
          incident: { id: string } | null;
          cause?: string | null;
        };
        deliveries.push({
          id: body.id,
          event: body.event,
          monitorId: body.monitor?.id,
          incidentId: body.incident?.id ?? null,
          occurredAt: body.occurredAt,
          cause: body.cause ?? null,
          at: Date.now(),
        });
      } catch {}
      res.writeHead(200).end();
    });
  });
  return { ...(await listen(server)), deliveries };
}
