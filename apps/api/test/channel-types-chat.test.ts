import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apisPerFile, client, expectProblem, signupUser, startApi, type TestApi } from './helpers';

// Matrix, Mattermost, Rocket.Chat, Google Chat, Twilio SMS and the custom-body webhook.
let testDb: TestDatabase;
let api: TestApi;
let as: ReturnType<typeof client>;
const { apiWith } = apisPerFile();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  as = client(api.app, (await signupUser(api.app, 'Chat Org')).token);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

async function stored(id: string) {
  const row = await testDb.db
    .selectFrom('channels')
    .select(['config', 'secrets'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const box = new SecretBox(api.config.SECRETS_KEY);
  return { config: row.config, secrets: row.secrets ? box.open<Record<string, unknown>>(row.secrets) : null };
}

describe('chat and SMS channel types', () => {
  it.each([
    [
      'matrix',
      {
        homeserverUrl: 'https://matrix.example.org',
        roomId: '!ops:example.org',
        accessToken: 'syt_SECRET_wxyz',
      },
      { homeserverUrl: 'https://matrix.example.org', roomId: '!ops:example.org', accessToken: '…wxyz' },
      { accessToken: 'syt_SECRET_wxyz' },
    ],
    [
      'mattermost',
      { webhookUrl: 'https://mm.example.com/hooks/SECRETkey0001' },
      { webhookUrl: 'https://mm.example.com/…0001' },
      { webhookUrl: 'https://mm.example.com/hooks/SECRETkey0001' },
    ],
    [
      'rocketchat',
      { webhookUrl: 'https://chat.example.com/hooks/id/SECRETtok0002' },
      { webhookUrl: 'https://chat.example.com/…0002' },
      { webhookUrl: 'https://chat.example.com/hooks/id/SECRETtok0002' },
    ],
    [
      'google-chat',
      { webhookUrl: 'https://chat.googleapis.com/v1/spaces/A/messages?key=SECRETk&token=SECRET0003' },
      { webhookUrl: 'https://chat.googleapis.com/…0003' },
      { webhookUrl: 'https://chat.googleapis.com/v1/spaces/A/messages?key=SECRETk&token=SECRET0003' },
    ],
    [
      'twilio-sms',
      {
        to: '+14155550123',
        from: '+14155550100',
        accountSid: `AC${'ab'.repeat(16)}`,
        authToken: 'SECRETauth0004',
      },
      { to: '+14155550123', from: '+14155550100', accountSid: `AC${'ab'.repeat(16)}`, authToken: '…0004' },
      { authToken: 'SECRETauth0004' },
    ],
  ] as const)(
    'creates a %s channel with its secret sealed and masked in every response',
    async (type, config, view, secrets) => {
      const res = await as.post('/v1/channels', { type, name: type, config });
      expect(res.statusCode).toBe(201);
      expect(res.json().config).toEqual(view);
      expect(res.body).not.toContain('SECRET');
      expect((await stored(res.json().id)).secrets).toEqual(secrets);
      expect(JSON.stringify((await as.get('/v1/channels')).json())).not.toContain('SECRET');
    },
  );

  it('refuses a room alias and a phone number without its country code, naming the field', async () => {
    const room = expectProblem(
      await as.post('/v1/channels', {
        type: 'matrix',
        name: 'x',
        config: { homeserverUrl: 'https://m.example.org', roomId: '#ops:example.org', accessToken: 't' },
      }),
      400,
    );
    expect(room.errors.map((e) => e.path)).toEqual(['config.roomId']);
    const sms = expectProblem(
      await as.post('/v1/channels', {
        type: 'twilio-sms',
        name: 'x',
        config: {
          to: '4155550123',
          from: '+14155550100',
          accountSid: `AC${'ab'.repeat(16)}`,
          authToken: 't',
        },
      }),
      400,
    );
    expect(sms.errors.map((e) => e.path)).toEqual(['config.to']);
  });
});

describe('the custom-body webhook channel', () => {
  const bodyTemplate = '{"text":"{{title}}: {{cause}}"}';

  it('keeps the URL and header values sealed, shows public header values, and fills the defaults', async () => {
    const res = await as.post('/v1/channels', {
      type: 'custom-webhook',
      name: 'hook',
      config: {
        url: 'https://hooks.example.com/in?token=SECRETurl0005',
        bodyTemplate,
        headers: { Authorization: 'Bearer SECRET-bearer', Accept: 'application/json' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().config).toEqual({
      url: 'https://hooks.example.com/…0005',
      method: 'POST',
      contentType: 'application/json',
      bodyTemplate,
      headers: { Authorization: '********', Accept: 'application/json' },
    });
    expect(res.body).not.toContain('SECRET');
    expect(await stored(res.json().id)).toEqual({
      config: { method: 'POST', contentType: 'application/json', bodyTemplate },
      secrets: {
        url: 'https://hooks.example.com/in?token=SECRETurl0005',
        headers: { Authorization: 'Bearer SECRET-bearer', Accept: 'application/json' },
      },
    });
    // A PATCH of the template alone keeps the sealed URL and headers.
    const patched = await as.patch(`/v1/channels/${res.json().id}`, {
      config: { bodyTemplate: '{"title":"{{title}}"}' },
    });
    expect(patched.statusCode).toBe(200);
    expect((await stored(res.json().id)).secrets).toMatchObject({
      url: 'https://hooks.example.com/in?token=SECRETurl0005',
      headers: { Authorization: 'Bearer SECRET-bearer', Accept: 'application/json' },
    });
  });

  it('refuses a JSON template that does not render JSON, on create and on a PATCH that makes it so', async () => {
    const created = expectProblem(
      await as.post('/v1/channels', {
        type: 'custom-webhook',
        name: 'typo',
        config: { url: 'https://hooks.example.com/in', bodyTemplate: '{"text": {{title}}}' },
      }),
      400,
    );
    expect(created.errors).toEqual([
      {
        path: 'config.bodyTemplate',
        message: expect.stringMatching(
          /^does not give valid JSON for a down alert \(.+\); the content type is application\/json$/,
        ),
      },
    ]);
    const plain = await as.post('/v1/channels', {
      type: 'custom-webhook',
      name: 'plain',
      config: { url: 'https://hooks.example.com/in', contentType: 'text/plain', bodyTemplate: '{{title}}' },
    });
    expect(plain.statusCode).toBe(201);
    const toJson = expectProblem(
      await as.patch(`/v1/channels/${plain.json().id}`, { config: { contentType: 'application/json' } }),
      400,
    );
    expect(toJson.errors.map((e) => e.path)).toEqual(['config.bodyTemplate']);
    expect((await stored(plain.json().id)).config).toMatchObject({ contentType: 'text/plain' });
  });

  it('refuses a template that names what is not a variable, or inserts a value unescaped, with a clear problem', async () => {
    const problem = expectProblem(
      await as.post('/v1/channels', {
        type: 'custom-webhook',
        name: 'bad',
        config: {
          url: 'https://hooks.example.com/in',
          bodyTemplate: '{"a":"{{constructor}}","b":"{{{cause}}}"}',
        },
      }),
      400,
    );
    expect(problem.errors).toEqual([
      { path: 'config.bodyTemplate', message: expect.stringContaining('unknown variable "constructor"') },
      {
        path: 'config.bodyTemplate',
        message: expect.stringContaining('{{{cause}}} and {{& cause}} would insert a value unescaped'),
      },
    ]);
    const patch = expectProblem(
      await as.post('/v1/channels', {
        type: 'custom-webhook',
        name: 'bad',
        config: {
          url: 'https://hooks.example.com/in',
          bodyTemplate: '{{#incident}}',
          headers: { Host: 'x' },
        },
      }),
      400,
    );
    expect(patch.errors.map((e) => e.path).sort()).toEqual(['config.bodyTemplate', 'config.headers.Host']);
  });
});

describe('self-hosted chat servers on private addresses', () => {
  it('are refused where the deployment does not allow private targets', async () => {
    const guarded = await apiWith({ ALLOW_PRIVATE_TARGETS: 'false' });
    const owner = client(guarded.app, (await signupUser(guarded.app, 'Guarded')).token);
    const matrix = expectProblem(
      await owner.post('/v1/channels', {
        type: 'matrix',
        name: 'x',
        config: { homeserverUrl: 'http://10.0.0.5:8008', roomId: '!r:example.org', accessToken: 't' },
      }),
      400,
    );
    expect(matrix.errors).toEqual([
      { path: 'config.homeserverUrl', message: expect.stringContaining('public address') },
    ]);
    const hook = expectProblem(
      await owner.post('/v1/channels', {
        type: 'custom-webhook',
        name: 'x',
        config: { url: 'http://127.0.0.1:9/in', bodyTemplate: '{"text":"{{title}}"}' },
      }),
      400,
    );
    expect(hook.errors.map((e) => e.path)).toEqual(['config.url']);
  });
});
