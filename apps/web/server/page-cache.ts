import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import { LRUCache } from 'lru-cache';

/**
 * The dashboard's shared cache for public status pages (ADR 0048, docs/operations.md).
 *
 * Next.js keeps a rendered status page (incremental static regeneration), but still routes, reads
 * its cache and compresses the HTML for every request: a few hundred requests a second on a small
 * machine. During an outage everybody opens the same page, so this server keeps what Next.js says a
 * shared cache may keep (`Cache-Control: s-maxage`, no cookie set) for the document requests of a
 * status page, compressed once, and answers the crowd from memory. Fresh for at most
 * `freshMs`; after that the next visitor still gets the kept page while one request reads it again
 * from Next.js (stale-while-revalidate), for at most `staleMs`. Everything else goes to Next.js
 * untouched.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
type Encoding = 'br' | 'gzip' | 'identity';

export interface PageCacheOptions {
  /** How long a kept page is served without asking Next.js (capped by its `s-maxage`). */
  freshMs: number;
  /** How long past that a kept page may still be served while it is read again. */
  staleMs: number;
  /** Bytes of pages kept at most (every encoding counted). */
  maxBytes: number;
  /** Where this server itself listens, for reading a page from Next.js. */
  origin: () => { host: string; port: number };
  now?: () => number;
}

interface Kept {
  status: number;
  headers: OutgoingHttpHeaders;
  etag: string;
  bodies: Record<Encoding, Buffer>;
  storedAt: number;
  freshUntil: number;
  staleUntil: number;
}

/** The request header with which this server reads a page from Next.js past its own cache. */
const FILL_HEADER = 'x-sentinelmesh-page-fill';
/** A status page or its history, by slug; `/` is a status page on its custom domain (by `Host`). */
const PAGE_PATH = /^\/(?:status\/[^/?#]{1,200}(?:\/history)?)?$/;
/** Headers of Next.js's own client navigations (React Server Components): never a document. */
const NAVIGATION_HEADERS = [
  'rsc',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-url',
  'next-action',
];
/**
 * Headers of Next.js's answer not kept with the page: those of the connection, those set again for
 * each answer, and Next.js's own account of its cache when the page was read.
 */
const UNKEPT_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'date',
  'etag',
  'age',
  'x-nextjs-cache',
  'x-nextjs-prerender',
  'x-nextjs-stale-time',
]);
const HOST = /^[a-z0-9.:[\]-]{1,261}$/;
const READ_TIMEOUT_MS = 10_000;

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
const encodings = new Negotiator<Encoding>({ supportedValues: ['br', 'gzip', 'identity'] });

/** The cache's key for a request it may answer, or null for one that goes to Next.js as it is. */
export function pageKey(req: IncomingMessage): string | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const url = req.url ?? '';
  if (!PAGE_PATH.test(url)) return null; // a query string goes to Next.js too
  if (req.headers[FILL_HEADER] !== undefined) return null;
  if (req.headers.authorization !== undefined || req.headers.range !== undefined) return null;
  if (NAVIGATION_HEADERS.some((name) => req.headers[name] !== undefined)) return null;
  const host = (req.headers.host ?? '').toLowerCase();
  return HOST.test(host) ? `${host} ${url}` : null;
}

/** Seconds a shared cache may keep an answer, from its Cache-Control, or null when it may not. */
export function sharedMaxAge(cacheControl: string | undefined): number | null {
  if (!cacheControl) return null;
  const directives = new Map(
    cacheControl.split(',').map((part) => {
      const [name = '', value] = part.trim().toLowerCase().split('=', 2);
      return [name, value] as const;
    }),
  );
  if (directives.has('private') || directives.has('no-store') || directives.has('no-cache')) return null;
  const seconds = Number(
    directives.get('s-maxage') ?? (directives.has('public') ? directives.get('max-age') : ''),
  );
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

export function createPageCache(next: Handler, options: PageCacheOptions) {
  const now = options.now ?? Date.now;
  const kept = new LRUCache<string, Kept>({
    maxSize: options.maxBytes,
    sizeCalculation: (page) =>
      page.bodies.identity.length + page.bodies.gzip.length + page.bodies.br.length + 1,
  });
  const reading = new Map<string, Promise<Kept | null>>();

  /** Reads the page from Next.js as a plain visitor would (no cookie), and keeps it if it may. */
  async function read(key: string, req: IncomingMessage): Promise<Kept | null> {
    const { host, port } = options.origin();
    const response = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          {
            host,
            port,
            path: req.url,
            method: 'GET',
            headers: {
              host: req.headers.host,
              accept: 'text/html',
              'accept-encoding': 'identity',
              'user-agent': 'sentinelmesh-page-cache',
              [FILL_HEADER]: '1',
            },
            timeout: READ_TIMEOUT_MS,
          },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () =>
              resolve({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: Buffer.concat(chunks),
              }),
            );
            incoming.on('error', reject);
          },
        );
        outgoing.on('timeout', () => outgoing.destroy(new Error('reading the page timed out')));
        outgoing.on('error', reject);
        outgoing.end();
      },
    );
    const maxAge = sharedMaxAge(response.headers['cache-control']);
    const keepable =
      (response.status === 200 || response.status === 404) &&
      maxAge !== null &&
      response.headers['set-cookie'] === undefined &&
      response.headers['content-encoding'] === undefined;
    if (!keepable) {
      kept.delete(key);
      return null;
    }
    const [gz, br] = await Promise.all([
      gzipAsync(response.body),
      brotliAsync(response.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }),
    ]);
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !UNKEPT_HEADERS.has(name)) headers[name] = value;
    }
    const vary = String(headers.vary ?? '');
    if (!/\baccept-encoding\b/i.test(vary))
      headers.vary = vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding';
    const storedAt = now();
    const freshUntil = storedAt + Math.min(options.freshMs, maxAge * 1000);
    const page: Kept = {
      status: response.status,
      headers,
      // Weak: the same page is sent in three encodings.
      etag: `W/"${createHash('sha1').update(response.body).digest('base64url')}"`,
      bodies: { identity: response.body, gzip: gz, br },
      storedAt,
      freshUntil,
      staleUntil: freshUntil + options.staleMs,
    };
    kept.set(key, page);
    return page;
  }

  /** One read at a time per page; everybody asking meanwhile waits for it. */
  function readOnce(key: string, req: IncomingMessage): Promise<Kept | null> {
    let pending = reading.get(key);
    if (!pending) {
      pending = read(key, req)
        .catch(() => null)
        .finally(() => reading.delete(key));
      reading.set(key, pending);
    }
    return pending;
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    page: Kept,
    state: 'HIT' | 'STALE' | 'MISS',
  ): void {
    const age = Math.max(0, Math.floor((now() - page.storedAt) / 1000));
    const common: OutgoingHttpHeaders = {
      ...page.headers,
      etag: page.etag,
      age: String(age),
      'x-page-cache': state,
    };
    const match = req.headers['if-none-match'];
    if (match?.split(',').some((tag) => tag.trim() === page.etag || tag.trim() === '*')) {
      res.writeHead(304, common).end();
      return;
    }
    const encoding = encodings.negotiate(String(req.headers['accept-encoding'] ?? '')) ?? 'identity';
    const body = page.bodies[encoding];
    res.writeHead(page.status, {
      ...common,
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = pageKey(req);
    if (key === null) {
      return next(req, res);
    }
    const at = now();
    const page = kept.get(key);
    if (page && at < page.freshUntil) {
      return send(req, res, page, 'HIT');
    }
    if (page && at < page.staleUntil) {
      void readOnce(key, req);
      return send(req, res, page, 'STALE');
    }
    const read = await readOnce(key, req);
    if (read) return send(req, res, read, 'MISS');
    return next(req, res);
  }

  return { handle };
}
