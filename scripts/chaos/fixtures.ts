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

/** Targets `/t/<n>`: healthy unless `n` is in `down`. */
export async function startTargets(down: Set<number>) {
  const server = createServer((req, res) => {
    const n = Number(/^\/t\/(\d+)/.exec(req.url ?? '')?.[1]);
    const failing = down.has(n);
    res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' }).end(failing ? 'down' : 'ok');
  });
  return listen(server);
}

export interface Delivery {
  id: string;
  event: string;
  monitorId: string;
  incidentId: string | null;
  occurredAt: string;
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
        };
        deliveries.push({
          id: body.id,
          event: body.event,
          monitorId: body.monitor?.id,
          incidentId: body.incident?.id ?? null,
          occurredAt: body.occurredAt,
          at: Date.now(),
        });
      } catch {}
      res.writeHead(200).end();
    });
  });
  return { ...(await listen(server)), deliveries };
}
