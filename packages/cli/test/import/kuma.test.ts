import { describe, expect, it } from 'vitest';
import { envReference, ImportError, importKuma } from '../../src/import';

const ref = envReference;

import { entriesFor, expectApplicable, expectSecretsKept, fixture, monitorByKey } from './support';

const backup = JSON.parse(fixture('kuma-backup.json'));
const { document, report } = importKuma(backup);

/** Every secret the backup holds: none of them may reach the file. */
const secrets = [
  'kuma-secret-key-123',
  'hunter2-secret',
  'kuma-query-secret',
  'kumaSlackSecret',
  'kumaPagerDutyKey0123456789abcdef',
  'kuma-smtp-password',
  'kumaTeamsSig',
  'kumaTelegramToken',
  'Qm9vdHN0cmFwUHVzaFRva2Vu',
  'kuma-db-password',
];

describe('importing an Uptime Kuma backup', () => {
  it('writes only monitors POST /v1/monitors accepts, linked to channels the file declares', () => {
    expectApplicable(document);
    expect(document.monitors.map((m) => m.key)).toEqual([
      'checkout-api',
      'landing-page',
      'orders-api-status',
      'queue-depth',
      'postgres-port',
      'edge-router',
      'mail-exchangers',
      'apex-a-record',
      'nightly-backup',
      'orders-database',
      'mail-relay',
    ]);
  });

  it('translates an HTTP monitor with its timing, retries, tags, group, headers and basic auth', () => {
    expect(monitorByKey(document, 'checkout-api')).toEqual({
      key: 'checkout-api',
      name: 'Checkout API',
      type: 'http',
      url: 'https://shop.example.com/api/health',
      headers: {
        Accept: 'application/json',
        'X-Api-Key': ref('CHECKOUT_API_HEADERS_X_API_KEY'),
        Authorization: ref('CHECKOUT_API_AUTHORIZATION'),
      },
      assertions: [{ source: 'status', op: 'between', value: [200, 299] }],
      intervalSeconds: 30,
      timeoutMs: 24_000,
      retryIntervalSeconds: 20,
      failureThreshold: 3,
      recoveryThreshold: 1,
      tags: ['team:payments', 'Production'],
      channels: ['ops-slack', 'on-call-pagerduty'],
    });
    expect(entriesFor(report, 'monitor "Checkout API" (id 1)')).toEqual([
      {
        field: 'authorization',
        env: 'CHECKOUT_API_AUTHORIZATION',
        reason:
          'secret kept out of the file: set CHECKOUT_API_AUTHORIZATION to the whole Authorization header value: "Basic " and base64 of the Kuma basic_auth_user:basic_auth_pass',
      },
      {
        field: 'headers.X-Api-Key',
        env: 'CHECKOUT_API_HEADERS_X_API_KEY',
        reason:
          'secret kept out of the file: set CHECKOUT_API_HEADERS_X_API_KEY to the value of the X-Api-Key header',
      },
      {
        field: 'expiryNotification',
        reason:
          'certificate expiry notices: add a certExpiresInDays assertion or a tls monitor if you want them',
      },
    ]);
  });

  it('translates a keyword monitor into a body assertion beside its accepted status codes', () => {
    expect(monitorByKey(document, 'landing-page')).toEqual({
      key: 'landing-page',
      name: 'Landing page',
      type: 'http',
      url: 'https://www.example.com/',
      followRedirects: false,
      assertions: [
        { source: 'status', op: 'in', value: [200, 201, 202, 203, 204, 304] },
        { source: 'body', op: 'contains', value: 'Welcome to Example' },
      ],
      intervalSeconds: 60,
      timeoutMs: 48_000,
      retryIntervalSeconds: 60,
      failureThreshold: 1,
      recoveryThreshold: 1,
      tags: ['Production'],
      channels: ['ops-slack'],
    });
    expect(entriesFor(report, 'monitor "Landing page" (id 2)')).toEqual([
      {
        field: 'notificationIDList',
        reason: 'notification "Signal group" (id 6) was not imported, so this monitor is not linked to it',
      },
      {
        field: 'ignoreTls',
        reason: 'certificates are always verified; a target with an untrusted certificate will be down',
      },
    ]);
  });

  it('translates a JSON query with a plain path into a json assertion, its token into a variable', () => {
    expect(monitorByKey(document, 'orders-api-status')).toEqual({
      key: 'orders-api-status',
      name: 'Orders API status',
      type: 'http',
      url: `https://api.example.com/v2/status?region=eu&api_key=${ref('ORDERS_API_STATUS_URL_QUERY_API_KEY')}`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"probe": true}',
      assertions: [
        { source: 'status', op: 'between', value: [200, 299] },
        { source: 'json', path: '$.data.status', op: 'eq', value: 'ok' },
      ],
      intervalSeconds: 120,
      timeoutMs: 30_000,
      retryIntervalSeconds: 60,
      failureThreshold: 1,
      recoveryThreshold: 1,
      tags: [],
      channels: ['team-email'],
    });
    expect(entriesFor(report, 'monitor "Orders API status" (id 3)')).toEqual([
      {
        field: 'url.query.api_key',
        env: 'ORDERS_API_STATUS_URL_QUERY_API_KEY',
        reason:
          'secret kept out of the file: set ORDERS_API_STATUS_URL_QUERY_API_KEY to the value of the api_key query parameter',
      },
    ]);
  });

  it('keeps a JSON query whose JSONata expression is not a path, and reports the query and upside-down mode', () => {
    expect(monitorByKey(document, 'queue-depth')).toEqual({
      key: 'queue-depth',
      name: 'Queue depth',
      type: 'http',
      url: 'https://api.example.com/queue',
      assertions: [{ source: 'status', op: 'between', value: [200, 299] }],
      intervalSeconds: 60,
      timeoutMs: 48_000,
      retryIntervalSeconds: 60,
      failureThreshold: 1,
      recoveryThreshold: 1,
      tags: [],
      channels: [],
    });
    expect(entriesFor(report, 'monitor "Queue depth" (id 9)')).toEqual([
      {
        field: 'jsonPath',
        reason:
          'the JSONata expression "$count(jobs[state=\'waiting\'])" is not a plain path ($.a.b[0]); the JSON query is not checked',
      },
      {
        field: 'upsideDown',
        reason: 'upside-down mode (up when the check fails) has no counterpart; the monitor checks normally',
      },
    ]);
  });

  it('translates TCP port, ping and DNS monitors', () => {
    const common = { failureThreshold: 1, recoveryThreshold: 1, retryIntervalSeconds: 60, tags: [] };
    expect(monitorByKey(document, 'postgres-port')).toEqual({
      key: 'postgres-port',
      name: 'Postgres port',
      type: 'tcp',
      host: 'db.example.com',
      port: 5432,
      intervalSeconds: 45,
      timeoutMs: 36_000,
      ...common,
      channels: ['on-call-pagerduty'],
    });
    expect(monitorByKey(document, 'edge-router')).toEqual({
      key: 'edge-router',
      name: 'Edge router',
      type: 'ping',
      host: '203.0.113.10',
      intervalSeconds: 60,
      timeoutMs: 10_000,
      ...common,
      channels: [],
    });
    expect(monitorByKey(document, 'mail-exchangers')).toEqual({
      key: 'mail-exchangers',
      name: 'Mail exchangers',
      type: 'dns',
      host: 'example.com',
      recordType: 'MX',
      resolver: '9.9.9.9',
      intervalSeconds: 60,
      timeoutMs: 48_000,
      ...common,
      channels: [],
    });
    expect(monitorByKey(document, 'apex-a-record')).toEqual({
      key: 'apex-a-record',
      name: 'Apex A record',
      type: 'dns',
      host: 'example.com',
      recordType: 'A',
      resolver: '8.8.8.8:5353',
      intervalSeconds: 60,
      timeoutMs: 48_000,
      ...common,
      channels: [],
    });
    expect(entriesFor(report, 'monitor "Edge router" (id 5)')).toEqual([
      { field: 'resendInterval', reason: 'repeated notifications while down are not imported' },
    ]);
    expect(entriesFor(report, 'monitor "Apex A record" (id 10)')).toEqual([
      { field: 'description', reason: 'SentinelMesh monitors have no description' },
    ]);
  });

  it('turns a push monitor into a paused heartbeat and says that the ping URL changes', () => {
    expect(monitorByKey(document, 'nightly-backup')).toEqual({
      key: 'nightly-backup',
      name: 'Nightly backup',
      type: 'heartbeat',
      periodSeconds: 86_400,
      failureThreshold: 1,
      recoveryThreshold: 1,
      paused: true,
      tags: [],
      channels: ['ops-slack'],
    });
    expect(entriesFor(report, 'monitor "Nightly backup" (id 7)')).toEqual([
      {
        field: 'pushToken',
        reason:
          "the push URL changes: after apply, point the job at the monitor's heartbeat URL (/v1/heartbeats/<token>)",
      },
    ]);
  });

  it('reads a database monitor from its connection string, the password into a variable', () => {
    expect(monitorByKey(document, 'orders-database')).toEqual({
      key: 'orders-database',
      name: 'Orders database',
      type: 'postgres',
      host: 'db.example.com',
      port: 5432,
      username: 'monitor',
      password: ref('ORDERS_DATABASE_PASSWORD'),
      tlsMode: 'require',
      database: 'orders',
      query: "SELECT count(*) FROM orders WHERE created_at > now() - interval '1 hour'",
      intervalSeconds: 60,
      timeoutMs: 48_000,
      retryIntervalSeconds: 60,
      failureThreshold: 1,
      recoveryThreshold: 1,
      tags: [],
      channels: ['on-call-pagerduty'],
    });
    expect(entriesFor(report, 'monitor "Orders database" (id 12)')).toEqual([
      {
        field: 'password',
        env: 'ORDERS_DATABASE_PASSWORD',
        reason:
          'secret kept out of the file: set ORDERS_DATABASE_PASSWORD to the database password from the Kuma connection string',
      },
    ]);
    expect(monitorByKey(document, 'mail-relay')).toEqual({
      key: 'mail-relay',
      name: 'Mail relay',
      type: 'smtp',
      host: 'smtp.example.com',
      port: 465,
      tls: 'implicit',
      intervalSeconds: 60,
      timeoutMs: 48_000,
      retryIntervalSeconds: 60,
      failureThreshold: 1,
      recoveryThreshold: 1,
      tags: [],
      channels: [],
    });
  });

  it('reports group and unsupported monitors instead of writing them', () => {
    expect(entriesFor(report, 'monitor "Production" (id 11)')).toEqual([
      { reason: 'group monitors are not imported; their members carry the tag "Production"' },
    ]);
    expect(entriesFor(report, 'monitor "Redis container" (id 8)')).toEqual([
      { reason: 'monitor type docker is not supported' },
    ]);
  });

  it('translates Slack, PagerDuty, email and webhook notifications, secrets as variables', () => {
    expect(
      document.channels.filter((c) => ['slack', 'pagerduty', 'email', 'webhook'].includes(c.type)),
    ).toEqual([
      {
        key: 'ops-slack',
        name: 'Ops Slack',
        type: 'slack',
        config: { webhookUrl: ref('OPS_SLACK_WEBHOOK_URL') },
        isDefault: true,
      },
      {
        key: 'on-call-pagerduty',
        name: 'On-call PagerDuty',
        type: 'pagerduty',
        config: { routingKey: ref('ON_CALL_PAGERDUTY_ROUTING_KEY') },
      },
      {
        key: 'team-email',
        name: 'Team email',
        type: 'email',
        config: { to: ['ops@example.com', 'sre@example.com', 'cto@example.com'] },
      },
      {
        key: 'deploy-hook',
        name: 'Deploy hook',
        type: 'webhook',
        config: { url: 'https://hooks.example.com/uptime' },
      },
    ]);
    expect(entriesFor(report, 'notification "Ops Slack" (id 1)')).toEqual([
      { field: 'slackchannel', reason: 'option not imported: the slack channel has no counterpart' },
      {
        field: 'config.webhookUrl',
        env: 'OPS_SLACK_WEBHOOK_URL',
        reason:
          'secret kept out of the file: set OPS_SLACK_WEBHOOK_URL to the Slack webhook URL (Kuma field slackwebhookURL)',
      },
    ]);
    expect(entriesFor(report, 'notification "On-call PagerDuty" (id 2)')).toContainEqual({
      field: 'pagerdutyPriority',
      reason: 'option not imported: the pagerduty channel has no counterpart',
    });
    expect(entriesFor(report, 'notification "Team email" (id 3)')).toEqual([
      {
        reason:
          "alert mail goes out through the deployment's SMTP server; this notification's own server settings are not imported",
      },
      { field: 'customSubject', reason: 'option not imported: the email channel has no counterpart' },
    ]);
    expect(entriesFor(report, 'notification "Signal group" (id 6)')).toEqual([
      { reason: 'notification provider signal has no SentinelMesh channel type' },
    ]);
  });

  it('keeps every secret out of the file and lists the variables to set', () => {
    expectSecretsKept({ document, report }, secrets, [
      'OPS_SLACK_WEBHOOK_URL',
      'ON_CALL_PAGERDUTY_ROUTING_KEY',
      'CHECKOUT_API_AUTHORIZATION',
      'CHECKOUT_API_HEADERS_X_API_KEY',
      'ORDERS_API_STATUS_URL_QUERY_API_KEY',
    ]);
  });

  it('reports every monitor and notification it did not write', () => {
    const written = new Set([
      ...document.monitors.map((m) => m.name),
      ...document.channels.map((c) => c.name),
    ]);
    const sources = [...backup.monitorList, ...backup.notificationList] as Array<{ name: string }>;
    for (const { name } of sources.filter((s) => !written.has(s.name))) {
      expect(
        report.some((entry) => entry.item.includes(`"${name}"`)),
        name,
      ).toBe(true);
    }
  });

  it('leaves out a monitor whose translation is not valid, with the reason and without its variables', () => {
    const result = importKuma({
      version: '1.23.16',
      notificationList: [],
      monitorList: [
        { id: 1, name: 'Files', type: 'http', url: 'ftp://files.example.com/?token=abc', active: true },
        {
          id: 2,
          name: 'Lookup',
          type: 'dns',
          hostname: 'example.com',
          dns_resolve_server: 'dns.example.net',
        },
      ],
    });
    expect(result.document.monitors.map((m) => m.key)).toEqual(['lookup']);
    expect(result.report).toEqual([
      {
        source: 'kuma',
        item: 'monitor "Files" (id 1)',
        reason:
          'left out: the translated monitor is not valid: url: must be an absolute http:// or https:// URL',
      },
      {
        source: 'kuma',
        item: 'monitor "Lookup" (id 2)',
        field: 'dns_resolve_server',
        reason: 'dns.example.net is not an IP address; the system resolver is used',
      },
    ]);
  });

  it('refuses input that is not a Kuma backup', () => {
    expect(() => importKuma({ monitors: [] })).toThrow(ImportError);
    expect(() => importKuma('[]')).toThrow(/monitorList/);
  });
});
