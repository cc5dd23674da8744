import { describe, expect, it } from 'vitest';
import { fillMasks, hasMasks, isSecretHeader, scrubSecrets, splitSecrets } from '../src/monitor-secrets';
import { toCheckSpec } from '../src/schemas/monitor';
import { isSecretQueryParam, maskUrl, maskUrlsIn, publicUrl, SECRET_MASK } from '../src/secret-urls';

const M = SECRET_MASK;

describe('which parts of a monitor are secret', () => {
  it.each<[string, boolean]>([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['Cookie', true],
    ['X-Api-Key', true],
    ['x-auth-token', true],
    ['X-Custom-Tenant', true],
    ['Accept', false],
    ['content-type', false],
    ['User-Agent', false],
    ['x-request-id', false],
  ])('header %s is secret: %s', (name, secret) => {
    expect(isSecretHeader(name)).toBe(secret);
  });

  it.each<[string, boolean]>([
    ['token', true],
    ['key', true],
    ['api_key', true],
    ['apikey', true],
    ['access_token', true],
    ['secret', true],
    ['signature', true],
    ['X-Amz-Signature', true],
    ['X-Amz-Credential', true],
    ['password', true],
    ['auth', true],
    ['sessionId', true],
    ['sig', true],
    ['page', false],
    ['format', false],
    ['keyword', false],
    ['monkey', false],
  ])('query parameter %s is secret: %s', (name, secret) => {
    expect(isSecretQueryParam(name)).toBe(secret);
  });
});

describe('masking URLs', () => {
  it.each<[string, string]>([
    [
      'https://user:pa55@host.example/p?token=abc&page=2',
      `https://user:${M}@host.example/p?token=${M}&page=2`,
    ],
    ['https://ghp_TOKEN@host.example/', `https://${M}@host.example/`],
    ['https://host.example/p?q=a%20b&api_key=k', `https://host.example/p?q=a%20b&api_key=${M}`],
    ['https://host.example/p?token=&x=1', 'https://host.example/p?token=&x=1'],
    ['HTTPS://Host.Example/Path?page=1', 'HTTPS://Host.Example/Path?page=1'],
  ])('%s is shown as %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('masks every URL inside a message', () => {
    expect(maskUrlsIn('fetch https://u:pw@h.example/?sig=s failed; see http://h.example/ok')).toBe(
      `fetch https://u:${M}@h.example/?sig=${M} failed; see http://h.example/ok`,
    );
  });

  it('strips user info entirely from the URL third parties see', () => {
    expect(publicUrl('https://user:pa55@host.example/p?sig=abc')).toBe(`https://host.example/p?sig=${M}`);
    expect(publicUrl('https://host.example/p')).toBe('https://host.example/p');
  });
});

const http = (url: string, headers: Record<string, string> = {}) => ({ type: 'http', url, headers });

describe('splitting and filling secrets', () => {
  it('splits secret header values and URL secrets out of an HTTP configuration', () => {
    const { config, secrets } = splitSecrets(
      http('https://u:p4ss@h.example/?token=t0k', { Authorization: 'Bearer abc', accept: 'text/html' }),
    );
    expect(config).toEqual(
      http(`https://u:${M}@h.example/?token=${M}`, { Authorization: M, accept: 'text/html' }),
    );
    expect(secrets).toEqual({
      url: 'https://u:p4ss@h.example/?token=t0k',
      headers: { Authorization: 'Bearer abc' },
    });
  });

  it('has no secrets to seal for a plain configuration or another type', () => {
    expect(splitSecrets(http('https://h.example/', { accept: 'x' })).secrets).toBeNull();
    expect(splitSecrets({ type: 'tcp' }).secrets).toBeNull();
  });

  it('fills masks back from the stored secrets, header names in any case', () => {
    const stored = splitSecrets(
      http('https://u:p4ss@h.example/a?token=t0k', { Authorization: 'Bearer abc' }),
    );
    const edited = http(`https://u:${M}@h.example/b?token=${M}&page=1`, { authorization: M, 'x-new': 'v' });
    expect(fillMasks(edited, stored.secrets, { sameOriginAs: stored.config.url })).toEqual({
      config: http('https://u:p4ss@h.example/b?token=t0k&page=1', {
        authorization: 'Bearer abc',
        'x-new': 'v',
      }),
      problems: [],
    });
  });

  it('fills repeated query parameters in order', () => {
    const stored = splitSecrets(http('https://h.example/?key=one&key=two'));
    expect(fillMasks(http(`https://h.example/?key=${M}&key=${M}`), stored.secrets).config.url).toBe(
      'https://h.example/?key=one&key=two',
    );
  });

  it('refuses a mask with no stored value behind it', () => {
    const { problems } = fillMasks(http(`https://u:${M}@h.example/`, { 'X-Api-Key': M }), null);
    expect(problems.map((p) => p.path)).toEqual(['headers.X-Api-Key', 'url']);
  });

  it('keeps stored secrets only while the origin stays the same', () => {
    const stored = splitSecrets(http('https://h.example/', { Authorization: 'Bearer abc' }));
    const moved = fillMasks(http('https://evil.example/', { Authorization: M }), stored.secrets, {
      sameOriginAs: stored.config.url,
    });
    expect(moved.problems).toEqual([
      { path: 'headers.Authorization', message: expect.stringContaining('origin') },
    ]);
    const resent = fillMasks(http('https://evil.example/', { Authorization: 'Bearer new' }), stored.secrets, {
      sameOriginAs: stored.config.url,
    });
    expect(resent.problems).toEqual([]);
  });

  it('scrubs every secret value out of a message', () => {
    const { secrets } = splitSecrets(
      http('https://u:p4ssw0rd@h.example/?token=t0ken123', { Authorization: 'Bearer abcdefgh1234' }),
    );
    const text = 'got abcdefgh1234 from https://u:p4ssw0rd@h.example/?token=t0ken123 (t0ken123)';
    const scrubbed = scrubSecrets(text, secrets);
    for (const secret of ['abcdefgh1234', 'p4ssw0rd', 't0ken123']) expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(`https://u:${M}@h.example/`);
  });
});

describe('check specs', () => {
  const config = {
    type: 'http' as const,
    name: 'x',
    url: 'https://u:p4ss@h.example/?token=t0k',
    method: 'GET' as const,
    headers: { Authorization: 'Bearer abc' },
    body: null,
    followRedirects: true,
    intervalSeconds: 60,
    timeoutMs: 1000,
    assertions: [],
    regions: ['local'],
    failureThreshold: 2,
    recoveryThreshold: 2,
    retryIntervalSeconds: 5,
    tags: [],
    paused: false,
  };

  it('carries masks and the version of the secrets, never a secret value', () => {
    const spec = toCheckSpec('o', 'm', config, 1234);
    expect(JSON.stringify(spec)).not.toMatch(/p4ss|t0k|Bearer/);
    expect(spec).toMatchObject({ headers: { Authorization: M }, secretsVersion: 1234 });
  });

  it('carries no version when there is nothing to fill', () => {
    const spec = toCheckSpec('o', 'm', { ...config, url: 'https://h.example/', headers: {} }, 1234);
    expect(spec.secretsVersion).toBeUndefined();
  });
});

describe("a type's secret fields", () => {
  // A database check as a type would declare it: the password and a record of secret variables,
  // bound to where they are sent.
  const rules = { fields: ['password', 'variables'], boundTo: ['host', 'port'] } as const;
  const db = (over: Record<string, unknown> = {}) => ({
    type: 'postgres',
    host: 'db.example',
    port: 5432,
    user: 'monitor',
    password: 's3cret-pass',
    variables: { region: 'eu', token: 't0ken-value' },
    ...over,
  });

  it('masks each secret field and keeps its real value for sealing', () => {
    const { config, secrets } = splitSecrets(db(), rules);
    expect(config).toEqual(db({ password: M, variables: { region: M, token: M } }));
    expect(secrets).toEqual({
      fields: { password: 's3cret-pass', variables: { region: 'eu', token: 't0ken-value' } },
    });
    expect(hasMasks(config, rules)).toBe(true);
    expect(hasMasks(db(), rules)).toBe(false);
  });

  it('leaves an empty password and an unrelated type alone', () => {
    expect(splitSecrets(db({ password: '', variables: {} }), rules).secrets).toBeNull();
    expect(splitSecrets(db(), {}).secrets).toBeNull();
  });

  it('fills masks from the stored values, field and record key alike', () => {
    const stored = splitSecrets(db(), rules);
    const edited = db({ user: 'other', password: M, variables: { region: 'us', token: M } });
    expect(fillMasks(edited, stored.secrets, { previous: stored.config }, rules)).toEqual({
      config: db({ user: 'other', variables: { region: 'us', token: 't0ken-value' } }),
      problems: [],
    });
  });

  it('refuses a mask with nothing stored behind it', () => {
    const { problems } = fillMasks(db({ password: M, variables: { extra: M } }), null, {}, rules);
    expect(problems.map((p) => p.path)).toEqual(['password', 'variables.extra']);
  });

  it('keeps stored secrets only while the fields they are bound to stay the same', () => {
    const stored = splitSecrets(db(), rules);
    const moved = fillMasks(
      db({ host: 'evil.example', password: M, variables: {} }),
      stored.secrets,
      { previous: stored.config },
      rules,
    );
    expect(moved.problems).toEqual([{ path: 'password', message: expect.stringContaining('host') }]);
    const resent = fillMasks(
      db({ host: 'evil.example', password: 'new', variables: {} }),
      stored.secrets,
      { previous: stored.config },
      rules,
    );
    expect(resent).toEqual({
      config: db({ host: 'evil.example', password: 'new', variables: {} }),
      problems: [],
    });
  });

  it('scrubs secret field values out of a message', () => {
    const { secrets } = splitSecrets(db(), rules);
    expect(scrubSecrets('auth failed for s3cret-pass with t0ken-value', secrets)).toBe(
      `auth failed for ${M} with ${M}`,
    );
  });
});
