import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchCase } from '../case';

const PAGE =
  '<!doctype html><title>Bench</title><h1>Ready</h1><button id="go" onclick="this.textContent=\'Done\'">Go</button>';

/**
 * A browser check against a local page: open it, click, expect the change. Each check launches its own
 * Chromium and runner process, so the figure is bounded by the runner's browser pool
 * (`--browser-concurrency`) and the CPU, not the network.
 */
export const cases: BenchCase[] = [
  {
    type: 'browser',
    label: 'browser: open, click, expect',
    async start() {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        spec: {
          type: 'browser',
          id: '00000000-0000-4000-8000-0000000000b1',
          orgId: '00000000-0000-4000-8000-0000000000b2',
          name: 'bench browser',
          timeoutMs: 20_000,
          intervalSeconds: 60,
          secretVariables: {},
          assertions: [],
          url: `http://127.0.0.1:${port}/`,
          script: "await page.click('#go');\nawait expect(page.locator('#go')).toHaveText('Done');",
        },
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  },
];
