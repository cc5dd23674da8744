import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CheckSpecOf, checkSpecSchema } from '@sentinelmesh/core';

export interface LocalServer {
  url: (path: string) => string;
  /** Requests seen per path. */
  hits: Map<string, number>;
  close: () => Promise<void>;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const DAY_MS = 86_400_000;

/** An RFC 9083 domain object expiring `daysLeft` days from now, with a registrar entity. */
export function rdapDomain(name: string, daysLeft: number) {
  return {
    objectClassName: 'domain',
    ldhName: name.toUpperCase(),
    rdapConformance: ['rdap_level_0'],
    events: [
      { eventAction: 'registration', eventDate: '2001-01-01T00:00:00Z' },
      {
        eventAction: 'expiration',
        eventDate: new Date(Date.now() + daysLeft * DAY_MS + 3_600_000).toISOString(),
      },
    ],
    entities: [
      {
        objectClassName: 'entity',
        roles: ['registrar'],
        handle: '292',
        vcardArray: [
          'vcard',
          [
            ['version', {}, 'text', '4.0'],
            ['fn', {}, 'text', 'Example Registrar, Inc.'],
          ],
        ],
      },
    ],
  };
}

/**
 * A local RDAP server (RFC 7480/9083, application/rdap+json) under `/rdap/`, and an RFC 9224 bootstrap
 * file at `/bootstrap.json` naming it for `.test` and `.example`. Domains by name:
 * `<n>days.test` expires in n days; `noexpiry.test` has no expiration event; `garbage.test` answers
 * non-JSON; `badclass.test` a non-domain object; `slow.test` never answers; `moved.test` redirects to
 * `<n>days`-style `far.test`; anything else is 404 with an RDAP error body.
 */
export async function startRdapServer(): Promise<LocalServer> {
  let self: LocalServer | null = null;
  const rdap = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/rdap+json' }).end(JSON.stringify(body));
  self = await serve((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/bootstrap.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          version: '1.0',
          publication: '2026-01-01T00:00:00Z',
          services: [[['test', 'example'], [self?.url('/rdap/')]]],
        }),
      );
      return;
    }
    const domain = /^\/rdap\/domain\/([^/]+)$/.exec(path)?.[1]?.toLowerCase();
    if (!domain) return rdap(res, 400, { errorCode: 400, title: 'bad request' });
    const days = /^(\d+)days\.(test|example)$/.exec(domain);
    if (days) return rdap(res, 200, rdapDomain(domain, Number(days[1])));
    if (domain === 'far.test') return rdap(res, 200, rdapDomain(domain, 400));
    if (domain === 'moved.test') return res.writeHead(302, { location: '/rdap/domain/far.test' }).end();
    if (domain === 'noexpiry.test') return rdap(res, 200, { ...rdapDomain(domain, 1), events: [] });
    if (domain === 'garbage.test') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    if (domain === 'badclass.test') return rdap(res, 200, { objectClassName: 'entity', handle: 'x' });
    if (domain === 'busy.test') return rdap(res, 503, { errorCode: 503, title: 'busy' });
    if (domain === 'slow.test') return undefined; // never answers
    return rdap(res, 404, { errorCode: 404, title: 'Not Found' });
  });
  return self;
}

/**
 * A small API with a login: `POST /login` with `{"user":"ada","password":"s3cret"}` answers a token
 * (and a session header); `GET /items/:id` needs `Authorization: Bearer <token>`; `GET /slow` never
 * answers; `GET /page` answers HTML holding an id.
 */
export async function startApiServer(): Promise<LocalServer & { token: string }> {
  const token = 'tok-7f3a9c';
  const server = await serve((req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    if (req.method === 'POST' && path === '/login') {
      let credentials: { user?: unknown; password?: unknown } = {};
      try {
        credentials = JSON.parse(body);
      } catch {}
      if (credentials.user === 'ada' && credentials.password === 's3cret') {
        return json(200, { data: { token } }, { 'x-session': 'sess-42' });
      }
      return json(401, { error: 'bad credentials' });
    }
    const item = /^\/items\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && item) {
      if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'no token' });
      return json(200, {
        id: decodeURIComponent(item[1] ?? ''),
        name: 'widget',
        session: req.headers['x-session'],
      });
    }
    if (path === '/page')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<a href="/items/77">item id=77</a>');
    if (path === '/slow') return undefined; // never answers
    return json(404, { error: 'not found' });
  });
  return { ...server, token };
}

const specBase = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  name: 'target',
  timeoutMs: 2000,
  intervalSeconds: 60,
  assertions: [],
};

export function domainSpec(
  domain: string,
  overrides: Partial<CheckSpecOf<'domain'>> = {},
): CheckSpecOf<'domain'> {
  return { ...specBase, type: 'domain', domain, minDaysLeft: 14, warnDaysLeft: 30, ...overrides };
}

/** An api spec from steps as the API takes them (defaults filled by the same schema). */
export function apiSpec(steps: unknown[], overrides: Partial<CheckSpecOf<'api'>> = {}): CheckSpecOf<'api'> {
  const spec = checkSpecSchema.parse({ ...specBase, type: 'api', steps, ...overrides });
  return spec as CheckSpecOf<'api'>;
}
