import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectProblem, type Session, signupUser, startApi, type TestApi } from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app, 'Channel Org');
  as = client(api.app, owner.token);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const webhook = (config: Record<string, unknown> = {}) => ({
  type: 'webhook',
  name: 'On-call hook',
  config: { url: 'https://hooks.example.com/sentinel', ...config },
});

describe('webhook channels', () => {
  it('generates a secret, shows it once in full, and masks it in every later response', async () => {
    const res = await as.post('/v1/channels', webhook());
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.any(String),
      type: 'webhook',
      name: 'On-call hook',
      config: {
        url: 'https://hooks.example.com/sentinel',
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const secret: string = created.config.secret;
    const masked = `whsec_…${secret.slice(-4)}`;

    const one = await as.get(`/v1/channels/${created.id}`);
    expect(one.json().config).toEqual({ url: 'https://hooks.example.com/sentinel', secret: masked });
    const list = await as.get('/v1/channels');
    expect(list.json().items.map((c: { config: unknown }) => c.config)).toContainEqual({
      url: 'https://hooks.example.com/sentinel',
      secret: masked,
    });
    for (const body of [one.body, list.body]) expect(body).not.toContain(secret.slice(6, -4));
  });

  it('keeps the url in config and only a sealed secret in the secrets column', async () => {
    const created = (await as.post('/v1/channels', webhook({ secret: 'my-own-secret-value-1234' }))).json();
    expect(created.config.secret).toBe('my-own-secret-value-1234');
    const row = await testDb.db
      .selectFrom('channels')
      .select(['config', 'secrets', 'org_id'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.org_id).toBe(owner.orgId);
    expect(row.config).toEqual({ url: 'https://hooks.example.com/sentinel' });
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain('my-own-secret');
    expect(new SecretBox(api.config.SECRETS_KEY).open(row.secrets ?? '')).toEqual({
      secret: 'my-own-secret-value-1234',
    });
    expect((await as.get(`/v1/channels/${created.id}`)).json().config.secret).toBe('whsec_…1234');
  });

  it('updates the name, the url and the secret with PATCH, still masking the secret', async () => {
    const created = (await as.post('/v1/channels', webhook())).json();
    const renamed = (await as.patch(`/v1/channels/${created.id}`, { name: 'Renamed' })).json();
    expect(renamed).toMatchObject({ name: 'Renamed', config: { url: 'https://hooks.example.com/sentinel' } });
    expect(renamed.config.secret).toBe(`whsec_…${created.config.secret.slice(-4)}`);

    const res = await as.patch(`/v1/channels/${created.id}`, {
      config: { url: 'https://new.example.com/hook', secret: 'rotated-secret-abcd-9876' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().config).toEqual({ url: 'https://new.example.com/hook', secret: 'whsec_…9876' });
    expect(res.body).not.toContain('rotated-secret');
  });

  it('deletes with 204, unlinks it from monitors, and answers 404 afterwards', async () => {
    const created = (await as.post('/v1/channels', webhook())).json();
    const monitor = (
      await as.post('/v1/monitors', {
        type: 'http',
        name: 'm',
        url: 'https://example.com',
        channelIds: [created.id],
      })
    ).json();
    expect((await as.delete(`/v1/channels/${created.id}`)).statusCode).toBe(204);
    expectProblem(await as.get(`/v1/channels/${created.id}`), 404);
    expectProblem(await as.delete(`/v1/channels/${created.id}`), 404);
    expect((await as.get(`/v1/monitors/${monitor.id}`)).json().channelIds).toEqual([]);
  });

  it("answers 404 for another organization's channel", async () => {
    const created = (await as.post('/v1/channels', webhook())).json();
    const them = client(api.app, (await signupUser(api.app, 'Them')).token);
    expectProblem(await them.get(`/v1/channels/${created.id}`), 404);
    expectProblem(await them.patch(`/v1/channels/${created.id}`, { name: 'x' }), 404);
    expectProblem(await them.delete(`/v1/channels/${created.id}`), 404);
    expect((await them.get('/v1/channels')).json()).toEqual({ items: [], nextCursor: null });
  });

  it('pages the channel list newest first', async () => {
    const org = client(api.app, (await signupUser(api.app, 'Pager')).token);
    for (const name of ['one', 'two', 'three']) await org.post('/v1/channels', { ...webhook(), name });
    const first = (await org.get('/v1/channels?limit=2')).json();
    expect(first.items.map((c: { name: string }) => c.name)).toEqual(['three', 'two']);
    const second = (await org.get(`/v1/channels?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toMatchObject({ items: [{ name: 'one' }], nextCursor: null });
  });
});
