import { SecretBox } from '@sentinelmesh/platform';
import { describe, expect, it } from 'vitest';
import { apisPerFile, client, expectProblem, signupUser, type TestApi } from './helpers';

const { apiWith, database } = apisPerFile();

async function storedChannel(api: TestApi, id: string) {
  const row = await database()
    .db.selectFrom('channels')
    .select(['config', 'secrets'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const box = new SecretBox(api.config.SECRETS_KEY);
  return { config: row.config, secrets: row.secrets ? box.open<Record<string, unknown>>(row.secrets) : null };
}

/** Each type's create settings, every secret containing `SECRET`; what is stored in the clear and sealed; the masked view. */
const cases = [
  {
    type: 'teams',
    config: {
      webhookUrl:
        'https://prod-01.westus.logic.azure.com/workflows/0123/triggers/manual/paths/invoke?sp=x&sig=SECRETsig-wxyz',
    },
    stored: { config: {}, secrets: 'all' },
    view: { webhookUrl: 'https://prod-01.westus.logic.azure.com/…wxyz' },
  },
  {
    type: 'telegram',
    config: { chatId: '-1001234567890', botToken: '123456789:AAE-SECRET_0123456789abcdefghijklm7' },
    stored: { config: { chatId: '-1001234567890' }, secrets: ['botToken'] },
    view: { chatId: '-1001234567890', botToken: '…klm7' },
  },
  {
    type: 'opsgenie',
    config: { apiKey: 'SECRET-0b1c-2d3e-4f50-a5b6', region: 'eu' },
    stored: { config: { region: 'eu' }, secrets: ['apiKey'] },
    view: { apiKey: '…a5b6', region: 'eu', priority: 'P1' },
  },
  {
    type: 'ntfy',
    config: { topic: 'SECRET-topic-k3x9', accessToken: 'tk_SECRETtoken_0042', priority: 'max' },
    stored: { config: { priority: 'max' }, secrets: ['topic', 'accessToken'] },
    view: { serverUrl: 'https://ntfy.sh', topic: '…k3x9', accessToken: '…0042', priority: 'max' },
  },
  {
    type: 'pushover',
    config: {
      userKey: 'uSECRETxxxxxxxxxxxxxxxxxxxxus1',
      appToken: 'aSECRETxxxxxxxxxxxxxxxxxxxxap2',
      device: 'phone',
    },
    stored: { config: { device: 'phone' }, secrets: ['userKey', 'appToken'] },
    view: { userKey: '…xus1', appToken: '…xap2', device: 'phone', priority: 'high' },
  },
  {
    type: 'gotify',
    config: { serverUrl: 'https://push.example.com/gotify', appToken: 'ASECRETtok.n_42' },
    stored: { config: { serverUrl: 'https://push.example.com/gotify' }, secrets: ['appToken'] },
    view: { serverUrl: 'https://push.example.com/gotify', appToken: '…n_42', priority: 'high' },
  },
] as const;

describe('Teams, Telegram, Opsgenie, ntfy, Pushover and Gotify channels', () => {
  it.each(cases)(
    'creates a $type channel with its secrets sealed in the row and masked in every response',
    async (c) => {
      const api = await apiWith({});
      const as = client(api.app, (await signupUser(api.app, `${c.type} org`)).token);
      const created = await as.post('/v1/channels', { type: c.type, name: 'on-call', config: c.config });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ type: c.type, config: c.view });
      const read = await as.get(`/v1/channels/${created.json().id}`);
      const listed = await as.get('/v1/channels');
      for (const body of [created.body, read.body, listed.body]) expect(body).not.toContain('SECRET');
      expect(read.json().config).toEqual(c.view);

      const stored = await storedChannel(api, created.json().id);
      const sealed = Object.fromEntries(
        Object.entries(c.config).filter(
          ([key]) => c.stored.secrets === 'all' || (c.stored.secrets as readonly string[]).includes(key),
        ),
      );
      expect(stored).toEqual({ config: c.stored.config, secrets: sealed });
    },
  );

  it('changes one setting with PATCH, keeping the sealed ones, and drops an ntfy token set to null', async () => {
    const api = await apiWith({});
    const as = client(api.app, (await signupUser(api.app, 'ntfy org')).token);
    const created = (
      await as.post('/v1/channels', {
        type: 'ntfy',
        name: 'phones',
        config: { topic: 'sentinel-k3x9', accessToken: 'tk_first_0001' },
      })
    ).json();
    const patched = await as.patch(`/v1/channels/${created.id}`, {
      config: { priority: 'low', accessToken: null, username: 'phil', password: 'pw-0002' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().config).toEqual({
      serverUrl: 'https://ntfy.sh',
      topic: '…k3x9',
      username: 'phil',
      password: '…',
      priority: 'low',
    });
    expect(await storedChannel(api, created.id)).toEqual({
      config: { priority: 'low', username: 'phil' },
      secrets: { topic: 'sentinel-k3x9', password: 'pw-0002' },
    });
  });

  it('refuses malformed settings, naming each field', async () => {
    const api = await apiWith({});
    const as = client(api.app, (await signupUser(api.app, 'Typos')).token);
    const refused = async (type: string, config: Record<string, unknown>) =>
      expectProblem(await as.post('/v1/channels', { type, name: 'x', config }), 400).errors.map(
        (e) => e.path,
      );
    expect(await refused('telegram', { chatId: 'my chat', botToken: 'not-a-token' })).toEqual([
      'config.chatId',
      'config.botToken',
    ]);
    expect(await refused('opsgenie', { apiKey: 'k', region: 'asia', priority: 'P9' })).toEqual([
      'config.region',
      'config.priority',
    ]);
    expect(await refused('ntfy', { topic: 'has spaces' })).toEqual(['config.topic']);
    expect(await refused('pushover', { userKey: 'short', appToken: 'a'.repeat(30) })).toEqual([
      'config.userKey',
    ]);
    expect(await refused('gotify', { serverUrl: 'gotify.local', appToken: 't' })).toEqual([
      'config.serverUrl',
    ]);
  });

  it.each([
    [
      'teams',
      { webhookUrl: 'http://127.0.0.1:9/workflows/1/triggers/manual/paths/invoke?sig=x' },
      'webhookUrl',
    ],
    ['ntfy', { serverUrl: 'http://127.0.0.1:9', topic: 'sentinel' }, 'serverUrl'],
    ['gotify', { serverUrl: 'http://127.0.0.1:9', appToken: 't' }, 'serverUrl'],
  ] as const)(
    'refuses a %s server on a private address, on create and on patch',
    async (type, config, field) => {
      const api = await apiWith({ ALLOW_PRIVATE_TARGETS: 'false' });
      const as = client(api.app, (await signupUser(api.app, 'Private')).token);
      const refused = expectProblem(await as.post('/v1/channels', { type, name: 'x', config }), 400);
      expect(refused.errors).toEqual([
        { path: `config.${field}`, message: expect.stringContaining('loopback') },
      ]);
      const publicConfig = { ...config, [field]: 'https://93.184.215.14/push' };
      const ok = await as.post('/v1/channels', { type, name: 'public', config: publicConfig });
      expect(ok.statusCode).toBe(201);
      const patched = expectProblem(
        await as.patch(`/v1/channels/${ok.json().id}`, { config: { [field]: 'http://10.0.0.8/push' } }),
        400,
      );
      expect(patched.errors[0]?.path).toBe(`config.${field}`);
    },
  );

  it('queues a test alert for a new type from the test button', async () => {
    const api = await apiWith({});
    const as = client(api.app, (await signupUser(api.app, 'Test button')).token);
    const channel = (
      await as.post('/v1/channels', {
        type: 'gotify',
        name: 'push',
        config: { serverUrl: 'https://push.example.com', appToken: 't' },
      })
    ).json();
    const res = await as.post(`/v1/channels/${channel.id}/test`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ channelId: channel.id, event: 'test' });
  });
});
