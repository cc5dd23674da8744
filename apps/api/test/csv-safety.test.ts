import { insertIncident, insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../src/reports/csv';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

describe('a CSV field', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=1', 'a=1'],
    ['Shop, EU', '"Shop, EU"'],
  ])('of the text %j is %s', (text, field) => {
    expect(csvField(text)).toBe(field);
  });

  it.each([
    [-5, '-5'],
    [-0.25, '-0.25'],
    [12600, '12600'],
    [true, 'true'],
    [null, ''],
  ])('of the value %j stays %s: only text is guarded', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

const NOW = new Date('2026-04-02T00:00:00Z');
const FORMULA = '=HYPERLINK("http://evil.example","open")';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let monitorId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: NOW });
  owner = await signupUser(api.app, '+Formula Org');
  monitorId = (await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ name: FORMULA }))).json()
    .id;
  await insertResults(testDb.db, owner.orgId, monitorId, [
    { scheduledAt: new Date('2026-03-10T00:00:00Z'), ok: false, latencyMs: -5, errorMessage: '@SUM(1+1)' },
    { scheduledAt: new Date('2026-03-10T00:01:00Z'), latencyMs: 120, errorMessage: null },
  ]);
  await insertIncident(testDb.db, owner.orgId, monitorId, {
    openedAt: new Date('2026-03-10T00:00:00Z'),
    resolvedAt: new Date('2026-03-10T00:10:00Z'),
    cause: '-2+3 regions failed',
  });
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const csv = async (path: string) => {
  const res = await client(api.app, owner.token).get(path);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  return res.body;
};

const quotedFormula = `"'=HYPERLINK(""http://evil.example"",""open"")"`;

describe('every CSV we emit', () => {
  it('guards text in the results export and keeps a negative latency a number', async () => {
    const body = await csv(`/v1/monitors/${monitorId}/results/export?from=2026-03-01T00:00:00Z&format=csv`);
    const [, first = ''] = body.split('\r\n');
    expect(first).toBe(
      "2026-03-10T00:00:00.000Z,2026-03-10T00:00:00.050Z,local,scheduled,0,false,503,-5,http_status,'@SUM(1+1),",
    );
  });

  it('guards the monitor name and cause in the incidents export', async () => {
    const body = await csv('/v1/incidents/export?from=2026-03-01T00:00:00Z&format=csv');
    const [, line = ''] = body.split('\r\n');
    expect(line).toContain(`,${monitorId},${quotedFormula},resolved,`);
    expect(line).toContain(",600,'-2+3 regions failed,");
  });

  it('guards the names in the SLA reports of a monitor and of the organization', async () => {
    const monitor = await csv(`/v1/monitors/${monitorId}/report?month=2026-03&format=csv`);
    expect(monitor).toContain(`\r\nmonitor,${quotedFormula}\r\n`);
    const organization = await csv('/v1/reports/organization?month=2026-03&format=csv');
    expect(organization).toContain("\r\norganization,'+Formula Org\r\n");
    expect(organization).toContain(`\r\n${monitorId},${quotedFormula},`);
  });
});
