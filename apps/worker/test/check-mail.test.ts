import { X509Certificate } from 'node:crypto';
import type { CheckOutcome, CheckSpecOf, MailProtocol } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LineServerOptions,
  type MailServer,
  type MailServerTls,
  mailServerTls,
  startImapServer,
  startPop3Server,
  startSilentServer,
  startSmtpServer,
} from '../../../test/support/mail-servers';
import { type CheckContext, runCheck } from '../src/checks/index';
import { MAX_MAIL_REPLY_BYTES } from '../src/checks/mail-check';
import { closedPort, context } from './helpers';

const DAY_MS = 86_400_000;
const account = { username: 'monitor@example.com', password: 'right "pass" \\ word' };
const certificateExpiry = new Date(new X509Certificate(mailServerTls.cert).validTo);

function mailSpec<P extends MailProtocol>(
  type: P,
  port: number,
  overrides: Partial<CheckSpecOf<MailProtocol>> = {},
): CheckSpecOf<P> {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    orgId: '00000000-0000-4000-8000-000000000002',
    name: 'mail',
    timeoutMs: 2000,
    intervalSeconds: 60,
    assertions: [],
    type,
    host: '127.0.0.1',
    port,
    tls: 'none',
    certificateCheck: 'full',
    minDaysLeft: 14,
    ...overrides,
  } as CheckSpecOf<P>;
}

const detail = (outcome: CheckOutcome, label: string) =>
  outcome.details?.find((d) => d.label === label)?.value;

/** Each protocol, its server, and what it says it can do with and without TLS. */
const protocols: {
  type: MailProtocol;
  start(tls: MailServerTls, options?: LineServerOptions): Promise<MailServer>;
  /** A server of this protocol whose greeting is a refusal. */
  refusing(): Promise<MailServer>;
  upgrade: string;
  /** What the server says when it refuses a login. */
  refusedLogin: RegExp;
  plainCapability: RegExp;
  banner: RegExp;
}[] = [
  {
    type: 'smtp',
    start: (tls, options) => startSmtpServer({ tls, banner: 'test SMTP', ...options }),
    refusing: () => startSmtpServer({ refuse: 'too busy, come back later' }),
    upgrade: 'STARTTLS',
    refusedLogin: /535 .*Invalid username or password/,
    plainCapability: /PIPELINING/,
    banner: /ESMTP test SMTP/,
  },
  {
    type: 'imap',
    start: (tls, options) => startImapServer({ tls, ...options }),
    refusing: () => startImapServer({ greeting: '* BYE too many connections' }),
    upgrade: 'STARTTLS',
    refusedLogin: /NO \[AUTHENTICATIONFAILED\]/,
    plainCapability: /IMAP4rev1/,
    banner: /test IMAP ready/,
  },
  {
    type: 'pop3',
    start: (tls, options) => startPop3Server({ tls, ...options }),
    refusing: () => startPop3Server({ greeting: '-ERR maildrop locked' }),
    upgrade: 'STLS',
    refusedLogin: /-ERR \[AUTH\] invalid login/,
    plainCapability: /UIDL/,
    banner: /test POP3 ready/,
  },
];

describe.each(protocols)('$type check', (p) => {
  const servers: MailServer[] = [];
  const start = async (tls: MailServerTls, options?: LineServerOptions) => {
    const server = await p.start(tls, options);
    servers.push(server);
    return server.port;
  };
  let plain: number;
  let starttls: number;
  let implicit: number;

  beforeAll(async () => {
    [plain, starttls, implicit] = [
      await start('none', { account }),
      await start('starttls', { account }),
      await start('implicit', { account }),
    ];
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const check = (
    port: number,
    overrides: Partial<CheckSpecOf<MailProtocol>> = {},
    ctx: CheckContext = context,
  ) => runCheck(mailSpec(p.type, port, overrides), ctx);

  it('reads the greeting and the capabilities over plain text', async () => {
    const outcome = await check(plain);
    expect(outcome).toMatchObject({ ok: true, error: null, certExpiresAt: null });
    expect(outcome.phases.connectMs).toBeGreaterThanOrEqual(0);
    expect(outcome.phases.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(outcome.phases.tlsMs).toBeNull();
    expect(detail(outcome, 'Banner')).toMatch(p.banner);
    expect(detail(outcome, 'Capabilities')).toMatch(p.plainCapability);
    expect(detail(outcome, 'Capabilities')).not.toContain(p.upgrade);
    expect(detail(outcome, 'Greeting')).toBeGreaterThanOrEqual(0);
  });

  it('upgrades with STARTTLS, asks for the capabilities again and reads the certificate', async () => {
    const outcome = await check(starttls, { tls: 'starttls', certificateCheck: 'expiry' });
    expect(outcome).toMatchObject({ ok: true, error: null, certExpiresAt: certificateExpiry.toISOString() });
    expect(outcome.phases.tlsMs).toBeGreaterThanOrEqual(0);
    // Listed before TLS only: the list shown is the one the server gave over TLS.
    expect(detail(outcome, 'Capabilities')).not.toContain(p.upgrade);
    expect(detail(outcome, 'TLS version')).toMatch(/^TLSv1\.[23]$/);
    const daysLeft = Math.floor((certificateExpiry.getTime() - Date.now()) / DAY_MS);
    expect(detail(outcome, 'Certificate days left')).toBeGreaterThanOrEqual(daysLeft - 1);
  });

  it('speaks TLS from the first byte when TLS is implicit', async () => {
    const outcome = await check(implicit, { tls: 'implicit', certificateCheck: 'expiry' });
    expect(outcome).toMatchObject({ ok: true, error: null, certExpiresAt: certificateExpiry.toISOString() });
    expect(outcome.phases.tlsMs).toBeGreaterThanOrEqual(0);
    expect(detail(outcome, 'Banner')).toMatch(p.banner);
  });

  it('logs in over TLS with the right password, and fails with auth on a wrong one', async () => {
    const login = { tls: 'starttls' as const, certificateCheck: 'expiry' as const, ...account };
    const accepted = await check(starttls, login);
    expect(accepted).toMatchObject({ ok: true, error: null });
    expect(detail(accepted, 'Login')).toBeGreaterThanOrEqual(0);

    const implicitLogin = await check(implicit, { ...login, tls: 'implicit' });
    expect(implicitLogin).toMatchObject({ ok: true, error: null });

    const refused = await check(starttls, { ...login, password: 'wrong "pass" \\ word' });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(refused.error?.message).toMatch(/^login eq "accepted", got /);
    expect(refused.error?.message).toMatch(p.refusedLogin);
    expect(refused.failedAssertions).toEqual([
      expect.objectContaining({ source: 'login', op: 'eq', expected: 'accepted' }),
    ]);
  });

  it('never sends credentials in plain text', async () => {
    const outcome = await check(plain, { tls: 'none', ...account });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'tls', message: 'a login needs TLS: credentials are never sent in plain text' },
    });
    expect(detail(outcome, 'Login')).toBeUndefined();
  });

  it('fails with tls on an untrusted certificate when the check is full', async () => {
    const outcome = await check(starttls, { tls: 'starttls', servername: 'localhost' });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(outcome.error?.message).toMatch(/not trusted: DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(outcome.failedAssertions).toEqual([
      expect.objectContaining({
        source: 'certificate',
        path: 'chain',
        actual: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      }),
    ]);
  });

  it('fails with tls when the certificate expired or expires within minDaysLeft', async () => {
    const afterExpiry = { ...context, now: () => new Date(certificateExpiry.getTime() + 3 * DAY_MS) };
    const expired = await check(implicit, { tls: 'implicit', certificateCheck: 'expiry' }, afterExpiry);
    expect(expired).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(expired.error?.message).toMatch(/certificate expires in -\d+ days \(minimum 14\)/);
    expect(detail(expired, 'Certificate days left')).toBeLessThan(0);

    const soon = { ...context, now: () => new Date(certificateExpiry.getTime() - 10.5 * DAY_MS) };
    const near = await check(starttls, { tls: 'starttls', certificateCheck: 'expiry' }, soon);
    expect(near).toMatchObject({
      ok: false,
      error: { kind: 'tls', message: 'certificate expires in 10 days (minimum 14)' },
    });
    expect(near.failedAssertions).toEqual([
      { source: 'certExpiresInDays', op: 'gte', expected: 14, actual: 10 },
    ]);
  });

  it('judges a certExpiresInDays assertion', async () => {
    const outcome = await check(implicit, {
      tls: 'implicit',
      certificateCheck: 'expiry',
      assertions: [{ source: 'certExpiresInDays', op: 'gt', value: 100_000 }],
    });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'assertion' } });
  });

  it(`fails with tls when STARTTLS is asked for and the server does not offer ${p.upgrade}`, async () => {
    const outcome = await check(plain, { tls: 'starttls' });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'tls', message: `the server does not offer ${p.upgrade}` },
    });
    expect(detail(outcome, 'Banner')).toMatch(p.banner);
  });

  it('fails with tls when implicit TLS meets a plain-text server', async () => {
    const outcome = await check(plain, { tls: 'implicit' });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('fails with protocol when the greeting refuses the connection', async () => {
    const refusing = await p.refusing();
    servers.push(refusing);
    const outcome = await check(refusing.port);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(outcome.error?.message).toMatch(/^greeting was /);
    expect(outcome.error?.message).toMatch(/too busy|too many connections|maildrop locked/);
  });

  it('fails with protocol when another protocol answers', async () => {
    const other = p.type === 'pop3' ? await startImapServer() : await startPop3Server();
    servers.push(other);
    const outcome = await check(other.port);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'protocol' } });
  });

  it('fails with dns when the host does not resolve', async () => {
    const outcome = await check(plain, { host: 'no-such-host.invalid' });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'dns' } });
  });

  it('fails with connect when the port is closed', async () => {
    const outcome = await check(await closedPort());
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
    expect(outcome.error?.message).toMatch(/connection refused/);
  });

  it('fails with timeout when the server never greets', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const started = Date.now();
    const outcome = await check(silent.port, { timeoutMs: 300 });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: 'no complete response within 300 ms' },
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a private target unless private targets are allowed', async () => {
    const guarded = { ...context, allowPrivateTargets: false };
    const literal = await check(plain, {}, guarded);
    expect(literal).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    const named = await check(plain, { host: 'localhost' }, guarded);
    expect(named).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
  });
});

describe.each([
  { type: 'imap' as const, start: startImapServer },
  { type: 'pop3' as const, start: startPop3Server },
])('$type STARTTLS', ({ type, start }) => {
  const servers: MailServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  const serve = async (options: LineServerOptions) => {
    const server = await start({ tls: 'starttls', ...options });
    servers.push(server);
    return server.port;
  };

  it('does not log in to a server whose certificate fails the check', async () => {
    const attempts: string[] = [];
    const port = await serve({ account, onLogin: (username) => attempts.push(username) });
    const login = { tls: 'starttls' as const, ...account };
    const untrusted = await runCheck(mailSpec(type, port, { ...login, servername: 'localhost' }), context);
    expect(untrusted).toMatchObject({ ok: false, error: { kind: 'tls' } });
    expect(untrusted.details).toContainEqual({
      label: 'Login',
      value: 'not tried: the certificate failed the check',
    });
    expect(attempts).toEqual([]);
    // The same server, its certificate's expiry alone judged: the login is tried (and so counted).
    const trusted = await runCheck(mailSpec(type, port, { ...login, certificateCheck: 'expiry' }), context);
    expect(trusted).toMatchObject({ ok: true });
    expect(attempts).toEqual([account.username]);
  });

  it('refuses lines sent after the server agreed to TLS (they would pass as protected)', async () => {
    const port = await serve({ injectAfterStartTls: true });
    const outcome = await runCheck(
      mailSpec(type, port, { tls: 'starttls', certificateCheck: 'expiry' }),
      context,
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'protocol', message: 'the server sent data after agreeing to TLS' },
    });
  });

  it('fails with tls when the handshake after the agreement fails', async () => {
    const port = await serve({ brokenStartTls: true });
    const outcome = await runCheck(
      mailSpec(type, port, { tls: 'starttls', certificateCheck: 'expiry' }),
      context,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });
});

it('fails with protocol on a reply longer than the bound', async () => {
  const chatty = await startImapServer({ greeting: `* OK ${'x'.repeat(MAX_MAIL_REPLY_BYTES)}` });
  const outcome = await runCheck(mailSpec('imap', chatty.port), context);
  expect(outcome).toMatchObject({
    ok: false,
    error: { kind: 'protocol', message: `a reply longer than ${MAX_MAIL_REPLY_BYTES} bytes` },
  });
  await chatty.close();
});

it('logs in to an SMTP server that offers only AUTH LOGIN', async () => {
  const server = await startSmtpServer({ tls: 'implicit', account, authMethods: ['LOGIN'] });
  const login = { tls: 'implicit' as const, certificateCheck: 'expiry' as const, ...account };
  const accepted = await runCheck(mailSpec('smtp', server.port, login), context);
  expect(accepted).toMatchObject({ ok: true, error: null });
  expect(detail(accepted, 'Capabilities')).toMatch(/AUTH LOGIN/);
  const refused = await runCheck(mailSpec('smtp', server.port, { ...login, password: 'wrong' }), context);
  expect(refused).toMatchObject({ ok: false, error: { kind: 'auth' } });
  expect(refused.error?.message).toMatch(/535/);
  await server.close();
});
