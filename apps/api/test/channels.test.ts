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
      isDefault: false,
      personal: false,
      userId: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      key: null,
      managed: false,
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

  it('keeps an omitted secret, seals a new one, and never returns either in full', async () => {
    const created = (await as.post('/v1/channels', webhook({ secret: 'first-secret-value-1111' }))).json();
    const stored = async () => {
      const row = await testDb.db
        .selectFrom('channels')
        .select(['config', 'secrets'])
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      return { config: row.config, secrets: new SecretBox(api.config.SECRETS_KEY).open(row.secrets ?? '') };
    };

    const moved = await as.patch(`/v1/channels/${created.id}`, {
      config: { url: 'https://moved.example.com/h' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().config).toEqual({ url: 'https://moved.example.com/h', secret: 'whsec_…1111' });
    expect(await stored()).toEqual({
      config: { url: 'https://moved.example.com/h' },
      secrets: { secret: 'first-secret-value-1111' },
    });

    const rotated = await as.patch(`/v1/channels/${created.id}`, {
      name: 'Rotated',
      config: { secret: 'second-secret-value-2222' },
    });
    expect(rotated.json()).toMatchObject({ name: 'Rotated', config: { secret: 'whsec_…2222' } });
    expect(await stored()).toEqual({
      config: { url: 'https://moved.example.com/h' },
      secrets: { secret: 'second-secret-value-2222' },
    });
    const row = await testDb.db
      .selectFrom('channels')
      .select('secrets')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain('second-secret');
    for (const res of [
      moved,
      rotated,
      await as.get(`/v1/channels/${created.id}`),
      await as.get('/v1/channels'),
    ]) {
      expect(res.body).not.toContain('first-secret-value');
      expect(res.body).not.toContain('second-secret-value');
    }
  });

  it('validates a PATCH with the same rules as a create, naming the field', async () => {
    const created = (await as.post('/v1/channels', webhook())).json();
    const res = await as.patch(`/v1/channels/${created.id}`, { config: { url: 'not a url' } });
    expectProblem(res, 400);
    expect(JSON.stringify(res.json())).toContain('config.url');
    expect((await as.get(`/v1/channels/${created.id}`)).json().config.url).toBe(
      'https://hooks.example.com/sentinel',
    );
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

describe('default channels', () => {
  const monitor = (extra: Record<string, unknown> = {}) => ({
    type: 'http',
    name: 'm',
    url: 'https://example.com',
    ...extra,
  });

  it('marks a channel as a default on create and with PATCH', async () => {
    const org = client(api.app, (await signupUser(api.app, 'Defaults A')).token);
    const marked = (await org.post('/v1/channels', { ...webhook(), isDefault: true })).json();
    expect(marked.isDefault).toBe(true);
    const plain = (await org.post('/v1/channels', webhook())).json();
    expect(plain.isDefault).toBe(false);
    const patched = (await org.patch(`/v1/channels/${plain.id}`, { isDefault: true })).json();
    expect(patched).toMatchObject({ isDefault: true, config: { url: 'https://hooks.example.com/sentinel' } });
    expect((await org.get(`/v1/channels/${plain.id}`)).json().isDefault).toBe(true);
    expectProblem(await org.patch(`/v1/channels/${plain.id}`, { isDefault: 'yes' }), 400);
  });

  it('links the defaults to a monitor created without channelIds; [] and an explicit list win', async () => {
    const org = client(api.app, (await signupUser(api.app, 'Defaults B')).token);
    const first = (await org.post('/v1/channels', { ...webhook(), name: 'first', isDefault: true })).json();
    const second = (await org.post('/v1/channels', { ...webhook(), name: 'second', isDefault: true })).json();
    const other = (await org.post('/v1/channels', { ...webhook(), name: 'other' })).json();

    const withDefaults = (await org.post('/v1/monitors', monitor())).json();
    expect([...withDefaults.channelIds].sort()).toEqual([first.id, second.id].sort());
    const none = (await org.post('/v1/monitors', monitor({ channelIds: [] }))).json();
    expect(none.channelIds).toEqual([]);
    const explicit = (await org.post('/v1/monitors', monitor({ channelIds: [other.id] }))).json();
    expect(explicit.channelIds).toEqual([other.id]);

    await org.patch(`/v1/channels/${second.id}`, { isDefault: false });
    expect((await org.post('/v1/monitors', monitor())).json().channelIds).toEqual([first.id]);
    // Defaults apply when a monitor is created; a patch without channelIds leaves its links alone.
    const patched = (await org.patch(`/v1/monitors/${none.id}`, { name: 'renamed' })).json();
    expect(patched.channelIds).toEqual([]);
  });

  it("never links another organization's default channel", async () => {
    const theirs = client(api.app, (await signupUser(api.app, 'Defaults C')).token);
    await theirs.post('/v1/channels', { ...webhook(), isDefault: true });
    const mine = client(api.app, (await signupUser(api.app, 'Defaults D')).token);
    expect((await mine.post('/v1/monitors', monitor())).json().channelIds).toEqual([]);
  });
});

describe('the delivery log', () => {
  it('names the monitor of each alert; a test alert has none', async () => {
    const created = (await as.post('/v1/channels', webhook())).json();
    const mon = (
      await as.post('/v1/monitors', {
        type: 'http',
        name: 'Checkout API',
        url: 'https://example.com',
        channelIds: [created.id],
      })
    ).json();
    // The alert row as the verifier writes it in the outbox for a transition.
    const { id: alertId } = await testDb.db
      .insertInto('alerts')
      .values({
        org_id: owner.orgId,
        incident_id: null,
        monitor_id: mon.id,
        channel_id: created.id,
        event: 'monitor.down',
        status: 'pending',
        payload: JSON.stringify({ event: 'monitor.down', monitor: { id: mon.id, name: 'Checkout API' } }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const test = (await as.post(`/v1/channels/${created.id}/test`)).json();

    const log = (await as.get('/v1/alerts')).json().items;
    expect(log.find((a: { id: string }) => a.id === alertId)).toMatchObject({
      monitorId: mon.id,
      monitorName: 'Checkout API',
      event: 'monitor.down',
    });
    expect(log.find((a: { id: string }) => a.id === test.id)).toMatchObject({
      monitorId: null,
      monitorName: null,
    });
    await as.patch(`/v1/monitors/${mon.id}`, { name: 'Checkout API v2' });
    const byMonitor = (await as.get(`/v1/alerts?monitorId=${mon.id}`)).json().items;
    expect(byMonitor.map((a: { monitorName: string }) => a.monitorName)).toEqual(['Checkout API v2']);
  });
});
