import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchCase } from '../case';
import { benchSpec } from './spec';

/** The reference: the worker's HTTP check against a local server answering a small JSON body. */
export const cases: BenchCase[] = [
  {
    type: 'http',
    label: 'GET, status + JSON assertion',
    async start() {
      const body = JSON.stringify({ status: 'ok', db: { status: 'up' } });
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      server.keepAliveTimeout = 1;
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      return {
        spec: benchSpec({
          type: 'http',
          url: `http://127.0.0.1:${port}/health`,
          method: 'GET',
          headers: {},
          body: null,
          followRedirects: true,
          assertions: [
            { source: 'status', op: 'between', value: [200, 399] },
            { source: 'json', path: '$.db.status', op: 'eq', value: 'up' },
          ],
        }),
        close: async () => {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        },
      };
    },
  },
];
