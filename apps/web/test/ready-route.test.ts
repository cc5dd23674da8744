import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A stand-in for the API's /ready, answering whatever status the test sets.
let apiStatus = 200;
let api: Server;
let GET: () => Promise<Response>;

beforeAll(async () => {
  api = createServer((_req, res) => res.writeHead(apiStatus).end('{}'));
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  process.env.API_URL = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  ({ GET } = await import('../src/app/ready/route'));
});

afterAll(() => {
  api?.close();
});

describe("the dashboard's /ready", () => {
  it('is ready, in the shape of every app, while the API is', async () => {
    apiStatus = 200;
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { api: 'ok' } });
  });

  it('is not_ready with 503, naming the API, while the API is not', async () => {
    apiStatus = 503;
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready', checks: { api: 'failed' } });
  });
});
