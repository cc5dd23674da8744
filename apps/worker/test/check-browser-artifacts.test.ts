import { insertMonitor } from '@sentinelmesh/db/fixtures';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { createLogger } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserCheck } from '../src/checks/browser-check';
import { ResultWriter } from '../src/result-writer';
import { browserSpec, startSite, testBrowserPool } from './browser-support';

let t: TestDatabase;
let writer: ResultWriter;
let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  t = await createTestDatabase();
  writer = new ResultWriter({ db: t.db, logger: createLogger('test', 'silent'), batchMs: 20 });
  site = await startSite();
});
afterAll(async () => {
  await writer?.close();
  await site?.close();
  await t?.drop();
});

describe('a failed browser check', () => {
  it('stores its screenshot beside its result, keyed like it', async () => {
    const org = await t.db
      .insertInto('organizations')
      .values({ name: 'Shop', slug: 'shop-browser' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const monitorId = await insertMonitor(t.db, org.id, { config: { type: 'browser' } });
    const script = `await page.goto('${site.url}/');\nawait page.click('#missing-button');`;
    const outcome = await browserCheck(
      browserSpec(script, { id: monitorId, orgId: org.id, timeoutMs: 3_000 }),
      {
        region: 'local',
        userAgent: 'SentinelMesh/test',
        allowPrivateTargets: true,
        now: () => new Date(),
        browsers: testBrowserPool(1),
      },
    );
    expect(outcome.error?.kind).toBe('timeout');
    expect(outcome.error?.message).toMatch(/^line 2: page\.click\("#missing-button"\): /);
    const scheduledAt = new Date(Date.UTC(2030, 0, 1));
    await writer.write({
      ...outcome,
      orgId: org.id,
      monitorId,
      scheduledAt,
      checkedAt: new Date(),
      region: 'local',
      kind: 'scheduled',
      attempt: 0,
    });
    const stored = await t.db
      .selectFrom('check_artifacts')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      org_id: org.id,
      region: 'local',
      kind: 'scheduled',
      scheduled_at: scheduledAt,
    });
    expect(stored.png.equals(Buffer.from(outcome.screenshot as Uint8Array))).toBe(true);
    expect(stored.png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
