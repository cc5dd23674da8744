import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_SERIES } from '../src/reports/probe-metrics';
import {
  client,
  createTestDatabase,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

const NOW = new Date('2026-05-04T12:00:00Z');
const MIN = 60_000;

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let viewerKey: string;
let monitorId: string;
let otherMonitorId: string;

const scrape = (token: string) =>
  api.app.inject({ method: 'GET', url: '/v1/metrics', headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, 'Metrics Inc');
  other = await signupUser(api.app, 'Elsewhere Ltd');
  const as = client(api.app, owner.token);
  monitorId = (await as.post('/v1/monitors', httpMonitor({ name: 'Shop "EU" \\ checkout' }))).json().id;
  otherMonitorId = (
    await client(api.app, other.token).post('/v1/monitors', httpMonitor({ name: 'Secret' }))
  ).json().id;
  viewerKey = (await as.post('/v1/api-keys', { name: 'prometheus', role: 'viewer' })).json().key;
  // A newline cannot come through the API; a name written before that rule could still hold one.
  await sql`UPDATE monitors SET config = jsonb_set(config, '{name}', to_jsonb(${'Shop "EU" \\ checkout\nnew'}::text))
    WHERE id = ${monitorId}`.execute(testDb.db);
  await insertResults(testDb.db, owner.orgId, monitorId, [
    { scheduledAt: new Date(NOW.getTime() - 2 * MIN), region: 'eu', latencyMs: 80 },
    // The newest result of eu: a timeout without a response.
    {
      scheduledAt: new Date(NOW.getTime() - MIN),
      region: 'eu',
      ok: false,
      latencyMs: 10_000,
      statusCode: null,
    },
    { scheduledAt: new Date(NOW.getTime() - MIN), region: 'us', latencyMs: 250, statusCode: 204 },
  ]);
  await testDb.db
    .updateTable('check_results')
    .set({ cert_expires_at: new Date('2026-08-01T00:00:00Z') })
    .where('monitor_id', '=', monitorId)
    .where('region', '=', 'us')
    .execute();
  await insertResults(testDb.db, other.orgId, otherMonitorId, [
    { scheduledAt: new Date(NOW.getTime() - MIN), region: 'eu' },
  ]);
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('GET /v1/metrics', () => {
  it('serves the newest result per region in blackbox-exporter names, escaped, and promtool accepts it', async () => {
    const res = await scrape(viewerKey);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const labels = (region: string) =>
      `monitor_id="${monitorId}",monitor="Shop \\"EU\\" \\\\ checkout\\nnew",region="${region}",type="http"`;
    expect(res.body).toBe(
      [
        '# HELP probe_success Whether the newest check of the monitor in the region succeeded (1) or failed (0).',
        '# TYPE probe_success gauge',
        `probe_success{${labels('eu')}} 0`,
        `probe_success{${labels('us')}} 1`,
        '# HELP probe_duration_seconds How long the newest check of the monitor in the region took, in seconds.',
        '# TYPE probe_duration_seconds gauge',
        `probe_duration_seconds{${labels('eu')}} 10`,
        `probe_duration_seconds{${labels('us')}} 0.25`,
        '# HELP probe_http_status_code HTTP status code of the newest check (0 when no response arrived).',
        '# TYPE probe_http_status_code gauge',
        `probe_http_status_code{${labels('eu')}} 0`,
        `probe_http_status_code{${labels('us')}} 204`,
        '# HELP probe_ssl_earliest_cert_expiry Expiry of the certificate the newest check saw, in unix seconds.',
        '# TYPE probe_ssl_earliest_cert_expiry gauge',
        `probe_ssl_earliest_cert_expiry{${labels('us')}} ${Date.parse('2026-08-01T00:00:00Z') / 1000}`,
        '',
      ].join('\n'),
    );
    // Throws (failing the test) when promtool finds a problem in the exposition.
    execFileSync('promtool', ['check', 'metrics'], { input: res.body });
  });

  it("never shows another organization's monitors", async () => {
    const mine = (await scrape(viewerKey)).body;
    expect(mine).not.toContain(otherMonitorId);
    expect(mine).not.toContain('Secret');
    const theirs = (await scrape(other.token)).body;
    expect(theirs).toContain(`monitor_id="${otherMonitorId}"`);
    expect(theirs).not.toContain(monitorId);
  });

  it('takes a bearer token or API key and refuses a request without one', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/metrics' }), 401);
    expectProblem(await scrape('smk_not-a-real-key'), 401);
  });
});

describe('the Grafana dashboard deploy/grafana/sentinelmesh-monitors.json', () => {
  const dashboard = JSON.parse(
    readFileSync(new URL('../../../deploy/grafana/sentinelmesh-monitors.json', import.meta.url), 'utf8'),
  );
  const expressions: string[] = [
    ...dashboard.panels.flatMap((panel: { targets: Array<{ expr: string }> }) =>
      panel.targets.map((t) => t.expr),
    ),
    ...dashboard.templating.list
      .filter((variable: { type: string }) => variable.type === 'query')
      .map((variable: { query: { query: string } }) => variable.query.query),
  ];
  const KEYWORDS = new Set([
    'by',
    'without',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'bool',
    'and',
    'or',
    'unless',
    'offset',
  ]);

  /** The series an expression selects: identifiers left once strings, label lists, ranges and calls are gone. */
  function seriesIn(expression: string): string[] {
    const bare = expression
      // Grafana's `label_values(series, label)`: the label is not a series.
      .replace(/label_values\((.*),\s*\w+\)\s*$/, '$1')
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\{[^}]*\}/g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
      .replace(/\$\w+/g, '');
    return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
      .filter((match) => !/^\s*\(/.test(bare.slice((match.index ?? 0) + match[0].length)))
      .map((match) => match[0])
      .filter((word) => !KEYWORDS.has(word));
  }

  it('uses only series the metrics endpoint serves, and each of them', () => {
    const used = new Set(expressions.flatMap(seriesIn));
    expect(expressions.length).toBeGreaterThanOrEqual(5);
    expect([...used].filter((name) => !(PROBE_SERIES as readonly string[]).includes(name))).toEqual([]);
    expect([...used].sort()).toEqual([...PROBE_SERIES].sort());
  });
});
