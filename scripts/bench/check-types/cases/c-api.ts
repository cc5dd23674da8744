import {
  apiSpec,
  domainSpec,
  startApiServer,
  startRdapServer,
} from '../../../../apps/worker/test/c-api-servers';
import type { BenchCase } from '../case';

/** Domain expiry (RDAP) and multi-step API checks, each against its local server on 127.0.0.1. */
export const cases: BenchCase[] = [
  {
    type: 'domain',
    // The answer is cached for hours, so after the first check this measures the cached path.
    label: 'domain expiry (RDAP, answer cached)',
    async start() {
      const server = await startRdapServer();
      return { spec: domainSpec('400days.test', { rdapBaseUrl: server.url('/rdap/') }), close: server.close };
    },
  },
  {
    type: 'api',
    label: 'multi-step API (login, then an authorized GET)',
    async start() {
      const server = await startApiServer();
      const spec = apiSpec(
        [
          {
            name: 'login',
            method: 'POST',
            url: server.url('/login'),
            body: '{"user":"ada","password":"{{secret_password}}"}',
            extract: [{ name: 'token', from: 'json', path: '$.data.token' }],
          },
          { name: 'item', url: server.url('/items/1'), headers: { authorization: 'Bearer {{token}}' } },
        ],
        { secretVariables: { secret_password: 's3cret' }, timeoutMs: 5000 },
      );
      return { spec, close: server.close };
    },
  },
];
