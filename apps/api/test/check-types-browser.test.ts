import { MAX_BROWSER_SCRIPT_BYTES, type MonitorSecrets, SECRET_MASK } from '@sentinelmesh/core';
import { insertResults } from '@sentinelmesh/db/fixtures';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  owner = await signupUser(api.app);
});
afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

const script =
  "await page.goto('https://shop.example.com/');\nawait expect(page.locator('h1')).toBeVisible();";

describe('browser monitors in the API', () => {
  it('creates and reads back a browser monitor with its script and start page', async () => {
    const res = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'browser',
      name: 'Shop sign-in',
      url: 'https://shop.example.com/login',
      script,
      timeoutMs: 30_000,
      intervalSeconds: 300,
    });
    expect(res.statusCode, res.body).toBe(201);
    const read = (await client(api.app, owner.token).get(`/v1/monitors/${res.json().id}`)).json();
    expect(read).toMatchObject({
      type: 'browser',
      url: 'https://shop.example.com/login',
      script,
      assertions: [],
      timeoutMs: 30_000,
    });
  });

  it('seals its secret variables, shows them masked, and wants them again when the script or start page changes', async () => {
    const res = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'browser',
      name: 'Shop sign-in with a password',
      url: 'https://shop.example.com/login',
      script: "await page.fill('#password', secrets.password);",
      secretVariables: { password: 'hunter2-browser' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain('hunter2-browser');
    const created = res.json();
    expect(created.secretVariables).toEqual({ password: SECRET_MASK });
    const row = await testDb.db
      .selectFrom('monitors')
      .select(['config', 'secrets'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.config)).not.toContain('hunter2-browser');
    const box = new SecretBox(api.config.SECRETS_KEY);
    expect(row.secrets && box.open<MonitorSecrets>(row.secrets).fields).toEqual({
      secretVariables: { password: 'hunter2-browser' },
    });

    // The masked values sent back with an unrelated edit keep the sealed ones.
    const renamed = await client(api.app, owner.token).patch(`/v1/monitors/${created.id}`, {
      name: 'Renamed',
      secretVariables: created.secretVariables,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    for (const change of [
      { script: "await page.goto('https://elsewhere.example.net/?p=' + secrets.password);" },
      { url: 'https://elsewhere.example.net/' },
    ]) {
      const moved = await client(api.app, owner.token).patch(`/v1/monitors/${created.id}`, {
        ...change,
        secretVariables: created.secretVariables,
      });
      expectProblem(moved, 400);
      expect(moved.body).toContain('send the real value again');
    }
    const bad = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'browser',
      name: 'bad name',
      script: 'await page.title();',
      secretVariables: { 'not-a-name': 'x' },
    });
    expectProblem(bad, 400);
  });

  it('refuses a script over 32 KiB, naming the field', async () => {
    const big = `// ${'é'.repeat(MAX_BROWSER_SCRIPT_BYTES / 2)}`;
    const res = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'browser',
      name: 'big',
      script: big,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toContainEqual(
      expect.objectContaining({ path: 'script', message: expect.stringContaining('32768 bytes') }),
    );
  });

  it('serves a stored screenshot as PNG, flags its result, and answers 404 where there is none', async () => {
    const created = await client(api.app, owner.token).post('/v1/monitors', {
      type: 'browser',
      name: 'shot',
      script,
    });
    const monitorId = created.json().id as string;
    const scheduledAt = new Date(Date.now() - 60_000);
    scheduledAt.setMilliseconds(0);
    await insertResults(testDb.db, owner.orgId, monitorId, [{ scheduledAt, ok: false }]);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('page')]);
    await testDb.db
      .insertInto('check_artifacts')
      .values({
        org_id: owner.orgId,
        monitor_id: monitorId,
        scheduled_at: scheduledAt,
        region: 'local',
        kind: 'scheduled',
        png,
      })
      .execute();

    const at = encodeURIComponent(scheduledAt.toISOString());
    const res = await client(api.app, owner.token).get(
      `/v1/monitors/${monitorId}/results/screenshot?scheduledAt=${at}&region=local`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.equals(png)).toBe(true);

    const results = (await client(api.app, owner.token).get(`/v1/monitors/${monitorId}/results`)).json();
    expect(results.items[0]).toMatchObject({ scheduledAt: scheduledAt.toISOString(), screenshot: true });

    const none = await client(api.app, owner.token).get(
      `/v1/monitors/${monitorId}/results/screenshot?scheduledAt=${at}&region=elsewhere`,
    );
    expect(none.statusCode).toBe(404);
    expect(none.headers['content-type']).toContain('application/problem+json');
  });
});
