import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MailServer,
  startImapServer,
  startPop3Server,
  startSmtpServer,
} from '../../../test/support/mail-servers';
import { type ApiCall, signUpOwner, startTestStack, type TestStack } from '../../../test/support/stack';
import { waitFor } from './helpers';

// The local launcher with REGIONS=eu,us (one worker per region), and one monitor of each mail type.

let db: TestDatabase;
let stack: TestStack;
let api: string;
let call: ApiCall;
const servers: MailServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startTestStack({
    databaseUrl: db.url,
    apps: 'api,scheduler,worker,verifier',
    regions: 'eu,us',
  });
  api = stack.api;
  call = await signUpOwner(api, 'mail-checks@example.com', 'M');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(servers.map((server) => server.close()));
  await db?.drop();
}, 60_000);

describe('mail check types through the local stack', () => {
  it('smtp (with a login), imap and pop3 monitors reach their state from results of both regions', async () => {
    const [smtp, imap, pop3] = await Promise.all([
      startSmtpServer({ tls: 'starttls', account: { username: 'monitor', password: 'mail-pa55' } }),
      startImapServer({ tls: 'implicit' }),
      startPop3Server({ tls: 'none' }),
    ]);
    servers.push(smtp, imap, pop3);
    const common = { intervalSeconds: 2, retryIntervalSeconds: 1, host: '127.0.0.1' };
    const monitors = {
      smtp: await call('POST', '/v1/monitors', {
        ...common,
        name: 'smtp',
        type: 'smtp',
        port: smtp.port,
        certificateCheck: 'expiry',
        // Masked in the job; up only if the worker fills in the sealed password.
        username: 'monitor',
        password: 'mail-pa55',
      }),
      // The self-signed certificate is not trusted: this one goes down.
      imap: await call('POST', '/v1/monitors', {
        ...common,
        name: 'imap',
        type: 'imap',
        port: imap.port,
        tls: 'implicit',
        servername: 'localhost',
      }),
      pop3: await call('POST', '/v1/monitors', {
        ...common,
        name: 'pop3',
        type: 'pop3',
        port: pop3.port,
        tls: 'none',
      }),
    };
    expect(monitors.smtp.regions).toEqual(['eu', 'us']);

    const expected: Record<string, string> = { smtp: 'up', imap: 'down', pop3: 'up' };
    for (const [type, monitor] of Object.entries(monitors)) {
      await waitFor(
        `the ${type} monitor to be ${expected[type]}`,
        async () => (await call('GET', `/v1/monitors/${monitor.id}`)).state.status === expected[type],
        30_000,
      );
      const results = await call('GET', `/v1/monitors/${monitor.id}/results`);
      const regions = [...new Set(results.items.map((item: { region: string }) => item.region))].sort();
      expect(regions).toEqual(['eu', 'us']);
      const labels = results.items[0].details.map((d: { label: string }) => d.label);
      expect(labels).toEqual(expect.arrayContaining(['Greeting', 'Banner', 'Capabilities']));
    }
    const smtpResults = await call('GET', `/v1/monitors/${monitors.smtp.id}/results`);
    expect(smtpResults.items[0]).toMatchObject({ ok: true, certExpiresAt: expect.any(String) });
    expect(smtpResults.items[0].details.map((d: { label: string }) => d.label)).toContain('Login');
    expect(monitors.smtp.password).not.toBe('mail-pa55');
    const imapState = await call('GET', `/v1/monitors/${monitors.imap.id}`);
    expect(imapState.state.lastError).toEqual({
      kind: 'tls',
      message: 'certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  }, 60_000);
});
