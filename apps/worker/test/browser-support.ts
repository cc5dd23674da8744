import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CheckSpecOf } from '@sentinelmesh/core';
import { type BrowserPool, createBrowserPool } from '../src/browser/pool';

export const RUNNER = path.join(import.meta.dirname, '..', 'src', 'browser', 'runner.mjs');

/** A pool as the worker makes one, on Debian's Chromium. */
export function testBrowserPool(concurrency = 2): BrowserPool {
  return createBrowserPool({
    concurrency,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    runnerPath: RUNNER,
  });
}

const PAGES: Record<string, string> = {
  '/': `<!doctype html><title>Shop</title><h1>Welcome</h1>
    <form id="login" action="/account" method="get"><input id="email" name="email"><button id="go">Sign in</button></form>`,
  '/account': `<!doctype html><title>Account</title><h1 id="hello">Hello</h1><p id="mail"></p>
    <script>document.getElementById('mail').textContent = new URLSearchParams(location.search).get('email');</script>`,
};

/** A small site on 127.0.0.1: a home page with a sign-in form and an account page. */
export async function startSite(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const page = PAGES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!page) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function browserSpec(
  script: string,
  overrides: Partial<CheckSpecOf<'browser'>> = {},
): CheckSpecOf<'browser'> {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    orgId: '00000000-0000-4000-8000-000000000002',
    name: 'shop',
    type: 'browser',
    timeoutMs: 10_000,
    intervalSeconds: 60,
    assertions: [],
    script,
    secretVariables: {},
    ...overrides,
  };
}
