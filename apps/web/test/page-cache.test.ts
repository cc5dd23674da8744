import {
  createServer,
  get as httpGet,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait';
import { createPageCache, type PageCacheOptions, sharedMaxAge } from '../server/page-cache';

/**
 * The status pages' shared cache in front of a stand-in for Next.js: a real HTTP server whose answers
 * the test sets, counting what reaches it.
 */
interface Origin {
  url: string;
  seen: IncomingMessage[];
  answer: (req: IncomingMessage) => { status?: number; headers?: Record<string, string>; body: string };
  clock: { now: number };
  close: () => Promise<void>;
}

const ISR = 's-maxage=10, stale-while-revalidate';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function startOrigin(options: Partial<PageCacheOptions> = {}): Promise<Origin> {
  const server = createServer();
  servers.push(server);
  const origin: Origin = {
    url: '',
    seen: [],
    clock: { now: 1_000_000 },
    answer: (req) => ({ headers: { 'cache-control': ISR }, body: `<html>page ${req.url}</html>` }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const next = (req: IncomingMessage, res: ServerResponse) => {
    origin.seen.push(req);
    const { status = 200, headers = {}, body } = origin.answer(req);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  };
  const cache = createPageCache(next, {
    freshMs: 5_000,
    staleMs: 60_000,
    maxBytes: 1024 * 1024,
    origin: () => ({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }),
    now: () => origin.clock.now,
    ...options,
  });
  server.on('request', (req, res) => void cache.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return origin;
}

/** What reached the stand-in as a visitor's request (the cache's own reads are marked). */
const visitors = (origin: Origin) =>
  origin.seen.filter((req) => req.headers['x-sentinelmesh-page-fill'] === undefined).length;
const reads = (origin: Origin) => origin.seen.length - visitors(origin);

/** A GET through node:http, which leaves the body as sent (fetch() decompresses it). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ headers: IncomingMessage['headers']; body: Buffer; status: number }>(
    (resolve, reject) => {
      const request = httpGet(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ headers: res.headers, body: Buffer.concat(chunks), status: res.statusCode ?? 0 }),
        );
      });
      request.on('error', reject);
    },
  );
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const raw = Buffer.from(await response.arrayBuffer());
  return { response, raw };
}

describe('status page shared cache', () => {
  it('reads a page from Next.js once for a crowd, then answers from memory', async () => {
    const origin = await startOrigin();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(`${origin.url}/status/acme`)));
    expect(reads(origin)).toBe(1);
    expect(visitors(origin)).toBe(0);
    for (const { response, raw } of answers) {
      expect(response.status).toBe(200);
      expect(raw.toString()).toBe('<html>page /status/acme</html>');
    }
    const again = await get(`${origin.url}/status/acme`);
    expect(again.response.headers.get('x-page-cache')).toBe('HIT');
    expect(again.response.headers.get('cache-control')).toBe(ISR);
    expect(again.response.headers.get('vary')).toContain('Accept-Encoding');
    expect(reads(origin)).toBe(1);
  });

  it('sends the encoding asked for, each the same page, and 304 for a known ETag', async () => {
    const origin = await startOrigin();
    const plain = await get(`${origin.url}/status/acme`, { 'accept-encoding': 'identity' });
    const raw = (encoding: string) => rawGet(`${origin.url}/status/acme`, { 'accept-encoding': encoding });
    const gz = await raw('gzip');
    const br = await raw('gzip, deflate, br');
    const none = await raw('identity');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gz.body).toString()).toBe(plain.raw.toString());
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.raw.toString());
    expect(none.body.toString()).toBe(plain.raw.toString());
    const etag = plain.response.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const conditional = await fetch(`${origin.url}/status/acme`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(conditional.status).toBe(304);
    expect(reads(origin)).toBe(1);
  });

  it('serves the kept page once stale while one read brings the new one', async () => {
    const origin = await startOrigin();
    let version = 1;
    origin.answer = () => ({ headers: { 'cache-control': ISR }, body: `v${version}` });
    expect((await get(`${origin.url}/status/acme`)).raw.toString()).toBe('v1');
    version = 2;
    origin.clock.now += 4_000;
    expect((await get(`${origin.url}/status/acme`)).raw.toString()).toBe('v1');
    expect(reads(origin)).toBe(1);
    origin.clock.now += 2_000; // past the 5 s it is fresh for
    const stale = await get(`${origin.url}/status/acme`);
    expect(stale.raw.toString()).toBe('v1');
    expect(stale.response.headers.get('x-page-cache')).toBe('STALE');
    // The read started by the stale answer lands; the next visitor gets the new page.
    await waitFor(
      'the new page',
      async () => (await get(`${origin.url}/status/acme`)).raw.toString() === 'v2',
      { timeoutMs: 5_000 },
    );
    expect(reads(origin)).toBe(2);
  });

  it('keeps a page no longer than Next.js allows a shared cache to', async () => {
    const origin = await startOrigin();
    origin.answer = () => ({ headers: { 'cache-control': 's-maxage=1' }, body: 'short' });
    const state = async () => (await get(`${origin.url}/status/acme`)).response.headers.get('x-page-cache');
    await get(`${origin.url}/status/acme`);
    origin.clock.now += 1_500;
    expect((await get(`${origin.url}/status/acme`)).response.headers.get('x-page-cache')).toBe('STALE');
    // The read that stale answer started lands, and the page is fresh again (for 1 s).
    await waitFor('the page read again', async () => (await state()) === 'HIT', { timeoutMs: 5_000 });
    origin.clock.now += 62_000; // past its fresh and stale windows: the visitor waits for a new read
    expect(await state()).toBe('MISS');
  });

  it('keeps nothing Next.js marks private, answers with a cookie, or does not mark', async () => {
    const origin = await startOrigin();
    const answers: Record<string, string>[] = [
      { 'cache-control': 'private, no-cache, no-store, max-age=0, must-revalidate' },
      { 'cache-control': ISR, 'set-cookie': 'session=1' },
      {},
    ];
    for (const headers of answers) {
      origin.answer = () => ({ headers, body: 'personal' });
      const before = origin.seen.length;
      const first = await get(`${origin.url}/status/acme`);
      const second = await get(`${origin.url}/status/acme`);
      expect(first.raw.toString()).toBe('personal');
      expect(second.response.headers.get('x-page-cache')).toBeNull();
      // Each visitor's request reached Next.js (after the cache's read found nothing to keep).
      expect(origin.seen.length - before).toBe(4);
    }
  });

  it('passes everything but a status page document straight to Next.js', async () => {
    const origin = await startOrigin();
    const passed: [string, Record<string, string>, string?][] = [
      ['/status/acme?utm=1', {}],
      ['/status/acme/unsubscribe', {}],
      ['/monitors', {}],
      ['/status/acme', { rsc: '1' }],
      ['/status/acme', { 'next-router-prefetch': '1' }],
      ['/status/acme', { authorization: 'Bearer x' }],
      ['/status/acme', {}, 'POST'],
    ];
    for (const [path, headers, method = 'GET'] of passed) {
      const response = await fetch(`${origin.url}${path}`, { method, headers });
      await response.arrayBuffer();
      expect(response.headers.get('x-page-cache'), `${method} ${path}`).toBeNull();
    }
    expect(visitors(origin)).toBe(passed.length);
    expect(reads(origin)).toBe(0);
  });

  it('keeps each host apart (a custom domain serves its own page at /)', async () => {
    const origin = await startOrigin();
    origin.answer = (req) => ({ headers: { 'cache-control': ISR }, body: `page of ${req.headers.host}` });
    const request = async (host: string) => (await rawGet(`${origin.url}/`, { host })).body.toString();
    expect(await request('status.acme.test')).toBe('page of status.acme.test');
    expect(await request('status.other.test')).toBe('page of status.other.test');
    expect(await request('status.acme.test')).toBe('page of status.acme.test');
    expect(reads(origin)).toBe(2);
  });

  it('lets Next.js answer when reading the page fails', async () => {
    const origin = await startOrigin({ origin: () => ({ host: '127.0.0.1', port: 1 }) });
    const { response, raw } = await get(`${origin.url}/status/acme`);
    expect(response.status).toBe(200);
    expect(raw.toString()).toBe('<html>page /status/acme</html>');
    expect(visitors(origin)).toBe(1);
  });

  it('holds no more bytes than it is given', async () => {
    const origin = await startOrigin({ maxBytes: 4_000 });
    origin.answer = (req) => ({ headers: { 'cache-control': ISR }, body: `${req.url}`.padEnd(1_000, '.') });
    for (let i = 0; i < 10; i++) await get(`${origin.url}/status/page-${i}`);
    // Each page weighs its three encodings; the oldest went first.
    await get(`${origin.url}/status/page-9`);
    expect(reads(origin)).toBe(10);
    const first = await get(`${origin.url}/status/page-0`);
    expect(first.response.headers.get('x-page-cache')).toBe('MISS');
  });
});

describe('sharedMaxAge', () => {
  it.each([
    ['s-maxage=10, stale-while-revalidate', 10],
    ['public, max-age=60', 60],
    ['max-age=60', null],
    ['private, s-maxage=10', null],
    ['s-maxage=0', null],
    ['no-store', null],
    [undefined, null],
  ])('%s → %s', (header, seconds) => {
    expect(sharedMaxAge(header)).toBe(seconds);
  });
});
