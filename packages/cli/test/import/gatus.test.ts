import { describe, expect, it } from 'vitest';
import { envReference, ImportError, importGatus } from '../../src/import';

const ref = envReference;

import { entriesFor, expectApplicable, expectSecretsKept, fixture, monitorByKey } from './support';

const { document, report } = importGatus(fixture('gatus-config.yaml'));

const secrets = [
  'gatusPaymentsSecret',
  'gatusPagerDutyKey0123456789abcdef',
  'gatus-smtp-password',
  'gatusTeamsSig',
  'tk_gatusntfytoken',
  'gatusZulipKey',
  'gatus-bearer-secret',
  'gatus-docs-token',
  'gatus-ssh-password',
  'gatus-external-token',
];

describe('importing a Gatus configuration', () => {
  it('writes only monitors POST /v1/monitors accepts, linked to channels the file declares', () => {
    expectApplicable(document);
    expect(document.monitors.map((m) => [m.key, m.type])).toEqual([
      ['payments-checkout-api', 'http'],
      ['payments-graphql', 'http'],
      ['docs', 'http'],
      ['core-postgres', 'tcp'],
      ['core-router', 'ping'],
      ['core-apex-dns', 'dns'],
      ['certificate', 'tls'],
      ['mail', 'smtp'],
      ['feed', 'websocket'],
      ['health-grpc', 'grpc'],
      ['bastion', 'tcp'],
      ['core-nightly-backup', 'heartbeat'],
    ]);
  });

  it('translates status, JSON body, response time and certificate conditions into assertions', () => {
    expect(monitorByKey(document, 'payments-checkout-api')).toEqual({
      key: 'payments-checkout-api',
      name: 'checkout-api',
      type: 'http',
      url: 'https://shop.example.com/api/health',
      headers: {
        Authorization: ref('PAYMENTS_CHECKOUT_API_HEADERS_AUTHORIZATION'),
        Accept: 'application/json',
      },
      assertions: [
        { source: 'status', op: 'eq', value: 200 },
        { source: 'json', path: '$.status', op: 'eq', value: 'UP' },
        { source: 'json', path: '$.checks[0].healthy', op: 'eq', value: true },
        { source: 'responseTimeMs', op: 'lt', value: 300 },
        { source: 'certExpiresInDays', op: 'gte', value: 30 },
      ],
      intervalSeconds: 30,
      timeoutMs: 5000,
      failureThreshold: 3,
      recoveryThreshold: 2,
      tags: ['payments'],
      channels: ['slack-payments', 'pagerduty'],
    });
    expect(entriesFor(report, 'endpoint "payments/checkout-api"')).toEqual([
      {
        field: 'headers.Authorization',
        env: 'PAYMENTS_CHECKOUT_API_HEADERS_AUTHORIZATION',
        reason:
          'secret kept out of the file: set PAYMENTS_CHECKOUT_API_HEADERS_AUTHORIZATION to the value of the Authorization header',
      },
      { field: 'alerts[1].description', reason: 'alerts carry no custom description' },
      {
        field: 'alerts',
        reason: 'the alerts have different thresholds; the monitor takes the lowest of each',
      },
    ]);
  });

  it('translates any() and pat(), wraps a GraphQL body, and reports len() and [IP]', () => {
    expect(monitorByKey(document, 'payments-graphql')).toEqual({
      key: 'payments-graphql',
      name: 'graphql',
      type: 'http',
      url: 'https://api.example.com/graphql',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":"{ status }"}',
      assertions: [
        { source: 'status', op: 'in', value: [200, 201] },
        { source: 'json', path: '$.data.status', op: 'matches', value: '^OK[\\s\\S]*$' },
      ],
      failureThreshold: 3,
      recoveryThreshold: 2,
      tags: ['payments'],
      channels: ['email'],
    });
    expect(entriesFor(report, 'endpoint "payments/graphql"')).toEqual([
      {
        field: 'conditions[2]',
        reason: '"len([BODY].data.errors) == 0": len() has no counterpart: lengths cannot be asserted',
      },
      { field: 'conditions[3]', reason: '"[IP] == 203.0.113.7": the resolved IP address cannot be asserted' },
    ]);
  });

  it('keeps a URL token out of the file, follows client options and reports what it cannot keep', () => {
    expect(monitorByKey(document, 'docs')).toEqual({
      key: 'docs',
      name: 'docs',
      type: 'http',
      url: `https://docs.example.com/?access_token=${ref('DOCS_URL_QUERY_ACCESS_TOKEN')}`,
      assertions: [
        { source: 'status', op: 'lt', value: 400 },
        { source: 'body', op: 'matches', value: '^[\\s\\S]*Documentation[\\s\\S]*$' },
      ],
      intervalSeconds: 300,
      followRedirects: false,
      tags: [],
      channels: ['teams-workflows'],
      failureThreshold: 3,
      recoveryThreshold: 2,
    });
    expect(entriesFor(report, 'endpoint "docs"').map((e) => [e.field, e.reason])).toEqual([
      [
        'url.query.access_token',
        'secret kept out of the file: set DOCS_URL_QUERY_ACCESS_TOKEN to the value of the access_token query parameter',
      ],
      ['conditions[2]', '"[DOMAIN_EXPIRATION] > 720h": domain expiry: add a domain monitor for the domain'],
      ['alerts[1]', 'no zulip channel was imported (see alerting provider zulip); not linked'],
      ['client.insecure', 'certificates are always verified'],
      [
        'maintenance-windows',
        'recurring maintenance windows have no counterpart: SentinelMesh maintenance windows are one-off spans',
      ],
    ]);
  });

  it('translates tcp://, icmp://, DNS, tls://, starttls://, ws(s)://, grpcs:// and ssh:// endpoints', () => {
    const { key: _k, ...postgres } = monitorByKey(document, 'core-postgres');
    expect(postgres).toEqual({
      name: 'postgres',
      type: 'tcp',
      host: 'db.example.com',
      port: 5432,
      assertions: [{ source: 'responseTimeMs', op: 'lt', value: 50 }],
      intervalSeconds: 60,
      tags: ['core'],
      channels: [],
    });
    expect(monitorByKey(document, 'core-router')).toEqual({
      key: 'core-router',
      name: 'router',
      type: 'ping',
      host: '203.0.113.1',
      assertions: [{ source: 'responseTimeMs', op: 'lt', value: 1000 }],
      tags: ['core'],
      channels: ['ntfy'],
      failureThreshold: 3,
      recoveryThreshold: 2,
    });
    expect(monitorByKey(document, 'core-apex-dns')).toEqual({
      key: 'core-apex-dns',
      name: 'apex-dns',
      type: 'dns',
      host: 'example.com',
      recordType: 'A',
      resolver: '8.8.8.8',
      expectedValues: ['93.184.216.34'],
      tags: ['core'],
      channels: [],
    });
    expect(monitorByKey(document, 'certificate')).toEqual({
      key: 'certificate',
      name: 'certificate',
      type: 'tls',
      host: 'example.com',
      port: 443,
      minDaysLeft: 14,
      intervalSeconds: 3600,
      tags: [],
      channels: [],
    });
    expect(monitorByKey(document, 'mail')).toEqual({
      key: 'mail',
      name: 'mail',
      type: 'smtp',
      host: 'smtp.example.com',
      port: 587,
      tls: 'starttls',
      minDaysLeft: 0,
      tags: [],
      channels: [],
    });
    expect(monitorByKey(document, 'feed')).toEqual({
      key: 'feed',
      name: 'feed',
      tags: [],
      channels: [],
      type: 'websocket',
      url: 'wss://stream.example.com/feed',
      message: '{"action":"ping"}',
      assertions: [{ source: 'body', op: 'matches', value: '^[\\s\\S]*pong[\\s\\S]*$' }],
    });
    expect(monitorByKey(document, 'health-grpc')).toEqual({
      key: 'health-grpc',
      name: 'health-grpc',
      tags: [],
      channels: [],
      type: 'grpc',
      host: 'grpc.example.com',
      port: 443,
      transport: 'tls',
    });
    expect(monitorByKey(document, 'bastion')).toEqual({
      key: 'bastion',
      name: 'bastion',
      tags: [],
      channels: [],
      type: 'tcp',
      host: 'bastion.example.com',
      port: 22,
      expect: 'SSH-',
    });
    expect(entriesFor(report, 'endpoint "bastion"')).toEqual([
      { field: 'ssh', reason: 'SSH logins and commands are not supported; only the SSH banner is checked' },
      { field: 'conditions[1]', reason: '"[STATUS] == 0": a tcp monitor cannot judge status' },
    ]);
    expect(entriesFor(report, 'endpoint "core/postgres"')).toEqual([
      { field: 'alerts[0]', reason: 'the slack alert is disabled in Gatus; the monitor is not linked to it' },
    ]);
  });

  it('turns an external endpoint with a heartbeat into a heartbeat monitor', () => {
    expect(monitorByKey(document, 'core-nightly-backup')).toEqual({
      key: 'core-nightly-backup',
      name: 'nightly-backup',
      type: 'heartbeat',
      periodSeconds: 86_400,
      failureThreshold: 3,
      recoveryThreshold: 2,
      tags: ['core'],
      channels: ['slack'],
    });
    expect(entriesFor(report, 'external endpoint "core/nightly-backup"')).toEqual([
      {
        field: 'token',
        reason:
          "the push URL changes: after apply, point the job at the monitor's heartbeat URL (/v1/heartbeats/<token>)",
      },
    ]);
  });

  it('reports the endpoints it leaves out', () => {
    expect(entriesFor(report, 'endpoint "core/ntp"')).toEqual([
      { reason: 'left out: a UDP check needs a body (the datagram to send)' },
    ]);
    expect(entriesFor(report, 'endpoint "legacy-sctp"')).toEqual([
      { reason: 'left out: endpoints with sctp:// URL are not supported' },
    ]);
  });

  it('turns alerting providers into channels, one more per group override, reusing variables the config names', () => {
    expect(document.channels.filter((c) => ['slack', 'pagerduty', 'email'].includes(c.type))).toEqual([
      { key: 'slack', name: 'slack', type: 'slack', config: { webhookUrl: ref('SLACK_WEBHOOK_URL') } },
      {
        key: 'slack-payments',
        name: 'slack (payments)',
        type: 'slack',
        config: { webhookUrl: ref('SLACK_PAYMENTS_WEBHOOK_URL') },
      },
      {
        key: 'pagerduty',
        name: 'pagerduty',
        type: 'pagerduty',
        config: { routingKey: ref('PAGERDUTY_ROUTING_KEY') },
      },
      {
        key: 'email',
        name: 'email',
        type: 'email',
        config: { to: ['oncall@example.com', 'platform@example.com'] },
      },
    ]);
    expect(entriesFor(report, 'alerting provider slack')).toEqual([
      {
        field: 'config.webhookUrl',
        env: 'SLACK_WEBHOOK_URL',
        reason:
          'secret kept out of the file: set SLACK_WEBHOOK_URL to the Slack webhook URL (Gatus webhook-url)',
      },
    ]);
    expect(entriesFor(report, 'alerting provider email')).toEqual([
      {
        reason:
          "alert mail goes out through the deployment's SMTP server; the provider's server settings are not imported",
      },
    ]);
    expect(entriesFor(report, 'alerting provider zulip')).toEqual([
      { reason: 'alerting provider zulip has no SentinelMesh channel type' },
    ]);
  });

  it('reports global settings and alerts that did not notify on recovery', () => {
    expect(entriesFor(report, 'storage')).toEqual([
      { reason: 'global Gatus setting; not part of what a SentinelMesh file declares' },
    ]);
    expect(entriesFor(report, 'ui')).toEqual([{ reason: 'display settings are not imported' }]);
    expect(entriesFor(report, 'maintenance')).toEqual([
      {
        reason:
          'recurring maintenance windows have no counterpart: SentinelMesh maintenance windows are one-off spans',
      },
    ]);
    expect(entriesFor(report, 'alerts')).toEqual([
      {
        reason:
          '3 linked alert(s) had no send-on-resolved: true; SentinelMesh also notifies when their monitors recover',
      },
    ]);
  });

  it('keeps every secret out of the file and lists the variables to set', () => {
    expectSecretsKept({ document, report }, secrets, [
      'SLACK_WEBHOOK_URL',
      'SLACK_PAYMENTS_WEBHOOK_URL',
      'PAGERDUTY_ROUTING_KEY',
      'PAYMENTS_CHECKOUT_API_HEADERS_AUTHORIZATION',
      'DOCS_URL_QUERY_ACCESS_TOKEN',
    ]);
  });

  it('queries the system resolver when a DNS endpoint names its server by host name', () => {
    const result = importGatus(
      [
        'endpoints:',
        '  - name: lookup',
        '    url: dns.example.net',
        '    dns: { query-name: example.com., query-type: AAAA }',
        '    conditions: ["[DNS_RCODE] == NOERROR"]',
      ].join('\n'),
    );
    expect(result.document.monitors).toEqual([
      {
        key: 'lookup',
        name: 'lookup',
        type: 'dns',
        host: 'example.com',
        recordType: 'AAAA',
        tags: [],
        channels: [],
      },
    ]);
    expect(entriesFor(result.report, 'endpoint "lookup"')).toEqual([
      { field: 'url', reason: 'dns.example.net is not an IP address; the system resolver is used' },
    ]);
  });

  it('refuses text that is not YAML, or YAML without endpoints, naming the line', () => {
    expect(() => importGatus('endpoints:\n  - name: a\n    name: b\n')).toThrow(/line 3/);
    expect(() => importGatus('storage:\n  type: memory\n')).toThrow(ImportError);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 6; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    bomb.push('endpoints: []');
    expect(() => importGatus(bomb.join('\n'))).toThrow(ImportError);
  });
});
