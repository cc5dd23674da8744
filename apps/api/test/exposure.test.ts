import os from 'node:os';
import { classifyAddress } from '@sentinelmesh/platform';
import { describe, expect, it } from 'vitest';
import { apisPerFile, client, expectProblem, signupUser } from './helpers';

const METRICS_TOKEN = 'metrics-token-for-this-test-file';
const { apiWith } = apisPerFile();

describe('API keys do not manage keys, members or invitations', () => {
  it('gives an admin key 403 on creating or revoking keys and on member changes; a signed-in admin may', async () => {
    const api = await apiWith({});
    const owner = await signupUser(api.app, 'Keys');
    const person = await signupUser(api.app, 'Someone');
    const asOwner = client(api.app, owner.token);
    const created = await asOwner.post('/v1/api-keys', { name: 'ci', role: 'admin' });
    expect(created.statusCode).toBe(201);
    const asKey = client(api.app, created.json().key);

    const mint = expectProblem(await asKey.post('/v1/api-keys', { name: 'outlives me', role: 'admin' }), 403);
    expect(mint.detail).toContain('API keys cannot manage API keys');
    expectProblem(await asKey.delete(`/v1/api-keys/${created.json().id}`), 403);
    expectProblem(await asKey.post('/v1/members', { email: person.email, role: 'admin' }), 403);
    expectProblem(await asKey.patch(`/v1/members/${owner.userId}`, { role: 'viewer' }), 403);
    expectProblem(await asKey.delete(`/v1/members/${owner.userId}`), 403);
    // Reading stays open to an admin key; the signed-in admin keeps managing.
    expect((await asKey.get('/v1/api-keys')).statusCode).toBe(200);
    expect((await asOwner.delete(`/v1/api-keys/${created.json().id}`)).statusCode).toBe(204);
  });
});

describe('/metrics on the API port', () => {
  it('answers only with METRICS_TOKEN as a bearer token', async () => {
    const api = await apiWith({ METRICS_TOKEN });
    const get = (authorization?: string) =>
      api.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    expectProblem(await get(), 401);
    expectProblem(await get('Bearer not-the-metrics-token'), 401);
    const owner = await signupUser(api.app, 'Not ops');
    expectProblem(await get(`Bearer ${owner.token}`), 401);
    const ok = await get(`Bearer ${METRICS_TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('http_requests_total');
  });

  it('is not served at all without METRICS_TOKEN', async () => {
    const api = await apiWith({ METRICS_TOKEN: '' });
    expectProblem(await api.app.inject({ method: 'GET', url: '/metrics' }), 404);
  });
});

describe('channel URLs that lead to private addresses', () => {
  // This machine's own name resolves (through /etc/hosts) to a non-public address: a name, not a literal.
  const hostname = os.hostname();

  it('are refused on create and patch with the field path, resolving names like delivery does', async () => {
    const api = await apiWith({ ALLOW_PRIVATE_TARGETS: 'false' });
    const owner = await signupUser(api.app, 'Hooks');
    const as = client(api.app, owner.token);
    const literal = expectProblem(
      await as.post('/v1/channels', {
        type: 'webhook',
        name: 'x',
        config: { url: 'http://127.0.0.1:9/hook' },
      }),
      400,
    );
    expect(literal.errors).toEqual([{ path: 'config.url', message: expect.stringContaining('loopback') }]);
    const slack = expectProblem(
      await as.post('/v1/channels', {
        type: 'slack',
        name: 'x',
        config: { webhookUrl: 'http://169.254.169.254/latest/meta-data' },
      }),
      400,
    );
    expect(slack.errors[0]?.path).toBe('config.webhookUrl');

    const { address } = await import('node:dns/promises').then((dns) => dns.lookup(hostname));
    expect(classifyAddress(address)?.public).toBe(false);
    const named = expectProblem(
      await as.post('/v1/channels', {
        type: 'webhook',
        name: 'x',
        config: { url: `http://${hostname}:8080/` },
      }),
      400,
    );
    expect(named.errors).toEqual([
      { path: 'config.url', message: expect.stringContaining(`${hostname} resolves to ${address}`) },
    ]);

    const ok = await as.post('/v1/channels', {
      type: 'webhook',
      name: 'public',
      config: { url: 'https://93.184.215.14/hook' },
    });
    expect(ok.statusCode).toBe(201);
    const patched = expectProblem(
      await as.patch(`/v1/channels/${ok.json().id}`, { config: { url: 'http://10.0.0.8/hook' } }),
      400,
    );
    expect(patched.errors[0]?.path).toBe('config.url');
  });

  it('include a Discord webhook URL, refused on create and patch like the others', async () => {
    const api = await apiWith({ ALLOW_PRIVATE_TARGETS: 'false' });
    const as = client(api.app, (await signupUser(api.app, 'Discord hooks')).token);
    const refused = expectProblem(
      await as.post('/v1/channels', {
        type: 'discord',
        name: 'x',
        config: { webhookUrl: 'http://127.0.0.1:9/api/webhooks/1/token' },
      }),
      400,
    );
    expect(refused.errors).toEqual([
      { path: 'config.webhookUrl', message: expect.stringContaining('loopback') },
    ]);
    const ok = await as.post('/v1/channels', {
      type: 'discord',
      name: 'public',
      config: { webhookUrl: 'https://93.184.215.14/api/webhooks/1/token' },
    });
    expect(ok.statusCode).toBe(201);
    const patched = expectProblem(
      await as.patch(`/v1/channels/${ok.json().id}`, {
        config: { webhookUrl: 'http://10.0.0.8/api/webhooks/1/token' },
      }),
      400,
    );
    expect(patched.errors[0]?.path).toBe('config.webhookUrl');
  });

  it('are accepted where the deployment allows private targets', async () => {
    const api = await apiWith({ ALLOW_PRIVATE_TARGETS: 'true' });
    const owner = await signupUser(api.app, 'Local');
    const res = await client(api.app, owner.token).post('/v1/channels', {
      type: 'webhook',
      name: 'x',
      config: { url: `http://${hostname}:8080/` },
    });
    expect(res.statusCode).toBe(201);
  });
});
