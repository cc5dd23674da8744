import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { assertLiteralAllowed, guardedLookup } from '@sentinelmesh/platform';

/** What the proxy refused or could not reach during one run, in order (bounded). */
export interface ProxyFailure {
  host: string;
  code: string;
  message: string;
}

export interface GuardedProxy {
  port: number;
  failures: ProxyFailure[];
  close(): Promise<void>;
}

const MAX_FAILURES = 20;
const HOP_HEADERS = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive'];

/** `host:port` of a CONNECT request (IPv6 in brackets), or null. */
function authority(target: string | undefined): { host: string; port: number } | null {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(target ?? '');
  const port = Number(match?.[2]);
  return match?.[1] && port > 0 && port < 65_536 ? { host: match[1], port } : null;
}

/**
 * The one way out for a browser check's Chromium (launched with `--proxy-server` and no bypass, not
 * even for loopback): plain HTTP and CONNECT tunnels, each target judged by the same guard as every
 * other check (literal addresses, then the pinned DNS answer), private ones refused unless allowed.
 * Listens on 127.0.0.1 for the life of one run.
 */
export async function startGuardedProxy(options: { allowPrivate: boolean }): Promise<GuardedProxy> {
  const failures: ProxyFailure[] = [];
  const sockets = new Set<Socket>();
  const lookup = guardedLookup({ allowPrivate: options.allowPrivate });
  const record = (host: string, error: unknown) => {
    const e = error as { code?: unknown; message?: unknown };
    if (failures.length >= MAX_FAILURES) return;
    failures.push({
      host,
      code: typeof e.code === 'string' ? e.code : 'ERROR',
      message: typeof e.message === 'string' ? e.message : String(error),
    });
  };
  const allowed = (host: string) => {
    try {
      assertLiteralAllowed(host, options.allowPrivate);
      return true;
    } catch (error) {
      record(host, error);
      return false;
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'http:') {
      res.writeHead(400).end();
      return;
    }
    if (!allowed(host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('blocked: not a public address');
      return;
    }
    const headers = { ...req.headers };
    for (const name of HOP_HEADERS) delete headers[name];
    const upstream = request(
      {
        host,
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        lookup,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      record(host, error);
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
    });
    req.pipe(upstream);
  };

  const server = createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = authority(req.url);
    client.on('error', () => client.destroy());
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (!allowed(target.host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, lookup });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (error) => {
      record(target.host, error);
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    failures,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
