import { createDb, type Db } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, type RedisClient, SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../verifier/test/receiver';
import { createMaintenanceAnnouncer } from '../src/jobs/maintenance-announcements';
import { createSubscriberDelivery } from '../src/jobs/subscriber-delivery';
import { unsubscribeToken } from '../src/services/subscriber-links';
import {
  client,
  createTestDatabase,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

// A Wednesday; the window below runs on Sundays 02:00-04:00 Berlin time (00:00-02:00 UTC in April).
const T0 = new Date('2026-04-01T12:00:00Z');
const FIRST = { startsAt: '2026-04-05T00:00:00.000Z', endsAt: '2026-04-05T02:00:00.000Z' };
const SECOND = { startsAt: '2026-04-12T00:00:00.000Z', endsAt: '2026-04-12T02:00:00.000Z' };
const SLUG = 'maint-news';
const logger = createLogger('maintenance-announcements-test', 'silent');

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let as: ReturnType<typeof client>;
let shownMonitor: string;
let hiddenMonitor: string;
let redis: RedisClient;
let replicas: Db[];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const secrets: Record<string, string> = {};
const closers: Array<() => Promise<unknown>> = [];

/** An announcer as one API replica runs it (its own pool), over the test's Redis and settings. */
function announcer(db: Db = testDb.db, batch?: { page: number; perRun: number }) {
  return createMaintenanceAnnouncer({
    db,
    cache: { redis, config: api.config, logger },
    logger,
    noticeHours: 24,
    ...(batch ? { batch } : {}),
  });
}

/** Moves the API's standing clock to `iso` and answers that instant. */
function clockAt(iso: string): Date {
  api.clock.offsetMs = Date.parse(iso) - T0.getTime();
  return api.clock.now();
}

const publicPost = (url: string, payload: Record<string, unknown>) =>
  api.app.inject({ method: 'POST', url, payload });

async function confirmedEmail(email: string): Promise<string> {
  expect((await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, { email })).statusCode).toBe(202);
  const token = await api.mailbox.token(email, `/status/${SLUG}/confirm`);
  expect((await publicPost('/v1/public/status-page-subscriptions/confirm', { token })).statusCode).toBe(200);
  const row = await testDb.db
    .selectFrom('status_page_subscribers')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function createWindow(body: Record<string, unknown>): Promise<string> {
  const res = await as.post('/v1/maintenance-windows', body);
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

/** The outbox rows of one window for one subscriber, oldest first, as `kind@occurrence`. */
async function told(windowId: string, subscriberId: string): Promise<string[]> {
  const rows = await testDb.db
    .selectFrom('status_page_deliveries')
    .select(['kind', 'occurrence_key'])
    .where('subject_id', '=', windowId)
    .where('subscriber_id', '=', subscriberId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.kind}@${r.occurrence_key}`);
}

const rowsOf = (windowId: string) =>
  testDb.db
    .selectFrom('status_page_deliveries')
    .select(['subscriber_id', 'kind', 'occurrence_key'])
    .where('subject_id', '=', windowId)
    .execute();

async function maintenanceOnPage() {
  const res = await api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${SLUG}` });
  expect(res.statusCode).toBe(200);
  const { active, upcoming } = res.json().maintenance as Record<string, { startsAt: string }[]>;
  return { active: active?.map((o) => o.startsAt), upcoming: upcoming?.map((o) => o.startsAt) };
}

let email: string;
let emailSubscriber: string;
let webhookSubscriber: string;
let unconfirmedSubscriber: string;
let leaver: string;
let windowId: string;
let hiddenWindowId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: T0, env: { ALLOW_PRIVATE_TARGETS: 'true' } });
  redis = connectRedis(api.config);
  closers.push(() => redis.quit());
  replicas = [0, 1].map(() => createDb({ connectionString: testDb.url, max: 3 }));
  for (const db of replicas) closers.push(() => db.destroy());
  receiver = await startReceiver(secrets);
  closers.push(() => receiver.close());
  owner = await signupUser(api.app, 'Maintenance News Inc');
  as = client(api.app, owner.token);
  shownMonitor = (await as.post('/v1/monitors', httpMonitor({ name: 'Database' }))).json().id;
  hiddenMonitor = (await as.post('/v1/monitors', httpMonitor({ name: 'Back office' }))).json().id;
  const page = await as.post('/v1/status-pages', { slug: SLUG, title: 'News', monitorIds: [shownMonitor] });
  expect(page.statusCode).toBe(201);

  email = 'reader@example.test';
  emailSubscriber = await confirmedEmail(email);
  const hook = await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, {
    webhookUrl: receiver.url('/maintenance'),
  });
  expect(hook.statusCode).toBe(201);
  webhookSubscriber = hook.json().id;
  secrets['/maintenance'] = hook.json().secret;
  expect(
    (await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, { email: 'waiting@example.test' }))
      .statusCode,
  ).toBe(202);
  unconfirmedSubscriber = (
    await testDb.db
      .selectFrom('status_page_subscribers')
      .select('id')
      .where('email', '=', 'waiting@example.test')
      .executeTakeFirstOrThrow()
  ).id;
  // Confirmed, then gone through the one-click link every message carries.
  leaver = await confirmedEmail('leaver@example.test');
  const left = await publicPost('/v1/public/status-page-subscriptions/unsubscribe', {
    token: unsubscribeToken(api.config.SECRETS_KEY, leaver),
  });
  expect(left.statusCode).toBe(200);

  const sundays = { rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', timeZone: 'Europe/Berlin', durationMinutes: 120 };
  windowId = await createWindow({
    name: 'Sunday patching',
    monitorIds: [shownMonitor],
    startsAt: '2026-03-01T00:00:00Z',
    recurrence: sundays,
  });
  hiddenWindowId = await createWindow({
    name: 'Back office patching',
    monitorIds: [hiddenMonitor],
    startsAt: '2026-03-01T00:00:00Z',
    recurrence: sundays,
  });
});

afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
  await api?.app.close();
  await testDb?.drop();
});

describe('maintenance announcements job', () => {
  it('tells subscribers of each occurrence of a weekly window: scheduled, started, completed, each once and in order', async () => {
    const job = announcer();
    const scheduled1 = `maintenance.scheduled@${FIRST.startsAt}`;
    // Saving the window announced its next occurrence; the job uses the same key and adds nothing.
    expect(await told(windowId, emailSubscriber)).toEqual([scheduled1]);
    const steps: Array<[string, string[]]> = [
      [T0.toISOString(), [scheduled1]],
      ['2026-04-04T00:30:00Z', [scheduled1]], // within the notice: the save-time notice stands
      ['2026-04-04T23:59:59Z', [scheduled1]],
      [FIRST.startsAt, [scheduled1, `maintenance.started@${FIRST.startsAt}`]],
      ['2026-04-05T01:00:00Z', [scheduled1, `maintenance.started@${FIRST.startsAt}`]],
      [
        '2026-04-05T02:00:30Z',
        [scheduled1, `maintenance.started@${FIRST.startsAt}`, `maintenance.completed@${FIRST.startsAt}`],
      ],
      ['2026-04-05T03:30:00Z', []],
      ['2026-04-10T23:00:00Z', []], // 25 hours ahead of the next one: not yet
      ['2026-04-11T01:00:00Z', [`maintenance.scheduled@${SECOND.startsAt}`]],
      ['2026-04-12T00:00:10Z', [`maintenance.started@${SECOND.startsAt}`]],
      ['2026-04-12T01:59:00Z', []],
      ['2026-04-12T02:00:10Z', [`maintenance.completed@${SECOND.startsAt}`]],
    ];
    const expected: string[] = [];
    for (const [at, news] of steps) {
      const now = new Date(at);
      // Twice at each time: the second run queues nothing.
      await job.runOnce(now);
      await job.runOnce(now);
      for (const item of news) if (!expected.includes(item)) expected.push(item);
      expect(await told(windowId, emailSubscriber), at).toEqual(expected);
    }
    expect(expected).toHaveLength(6);
    expect(await told(windowId, webhookSubscriber)).toEqual(expected);

    // A process starting after a long outage mails no old news: the 19th's occurrence ended two hours
    // ago, so neither its start nor its end is announced now.
    await announcer().runOnce(new Date('2026-04-19T04:00:00Z'));
    expect(await told(windowId, emailSubscriber)).toEqual(expected);

    // Nobody but the two confirmed subscribers, and nothing for a window whose monitors no page shows.
    const subscribers = new Set((await rowsOf(windowId)).map((r) => r.subscriber_id));
    expect([...subscribers].sort()).toEqual([emailSubscriber, webhookSubscriber].sort());
    expect(subscribers.has(unconfirmedSubscriber)).toBe(false);
    expect(await rowsOf(hiddenWindowId)).toEqual([]);
  });

  it('delivers the messages through the outbox by email and signed webhook, in order', async () => {
    const sender = createSubscriberDelivery({
      db: testDb.db,
      box: new SecretBox(api.config.SECRETS_KEY),
      logger,
      config: api.config,
      policy: { subscriberGapMs: 0, backoffMs: 0 },
    });
    closers.push(() => sender.close());
    const mails = () =>
      api.mailbox.mails.filter((m) => m.to.includes(email) && /maintenance/i.test(m.subject));
    await waitFor(async () => {
      await sender.runOnce();
      if (mails().length < 6 || receiver.at('/maintenance').length < 6)
        throw new Error(`${mails().length} mails, ${receiver.at('/maintenance').length} webhooks so far`);
    }, 20_000);
    expect(mails().map((m) => m.subject)).toEqual([
      '[News] Scheduled maintenance: Sunday patching',
      '[News] Maintenance started: Sunday patching',
      '[News] Maintenance completed: Sunday patching',
      '[News] Scheduled maintenance: Sunday patching',
      '[News] Maintenance started: Sunday patching',
      '[News] Maintenance completed: Sunday patching',
    ]);
    expect(mails()[1]?.text).toContain('Under way now: Sun 5 Apr 2026, 00:00–02:00 UTC.\nAffects: Database.');
    expect(mails()[5]?.text).toContain('Finished: Sun 12 Apr 2026, 00:00–02:00 UTC.');
    const hooks = receiver.at('/maintenance');
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    expect(hooks.map((h) => [h.body.type, h.body.subjectId])).toEqual(
      ['scheduled', 'started', 'completed', 'scheduled', 'started', 'completed'].map((k) => [
        `maintenance.${k}`,
        windowId,
      ]),
    );
    expect(hooks[2]?.body.at).toBe(FIRST.endsAt);
    // Only the two subscribers: the unconfirmed address got its confirmation, the leaver nothing after it left.
    expect(api.mailbox.mails.filter((m) => m.to.includes('waiting@example.test'))).toHaveLength(1);
    expect(api.mailbox.mails.filter((m) => m.to.includes('leaver@example.test'))).toHaveLength(1);
  });

  it('invalidates the page at the start and end of an occurrence, so the public JSON shows it at once', async () => {
    const fourth = '2026-04-26T00:00:00.000Z';
    const job = announcer();
    await job.runOnce(clockAt('2026-04-25T23:59:50Z'));
    expect(await maintenanceOnPage()).toEqual({ active: [], upcoming: [fourth] });
    // The clock passes the start: the cached copy (well inside its 30 s TTL) still says upcoming...
    clockAt('2026-04-26T00:00:00Z');
    expect(await maintenanceOnPage()).toEqual({ active: [], upcoming: [fourth] });
    // ...until the job sees the start. (Two seconds on: past the one second a process keeps its own copy
    // without asking Redis, which is all a copy can outlive an invalidation by.)
    await job.runOnce(api.clock.now());
    clockAt('2026-04-26T00:00:02Z');
    expect((await maintenanceOnPage()).active).toEqual([fourth]);

    await job.runOnce(clockAt('2026-04-26T01:59:55Z'));
    expect((await maintenanceOnPage()).active).toEqual([fourth]);
    clockAt('2026-04-26T02:00:05Z');
    expect((await maintenanceOnPage()).active).toEqual([fourth]);
    await job.runOnce(api.clock.now());
    clockAt('2026-04-26T02:00:07Z');
    expect((await maintenanceOnPage()).active).toEqual([]);
    expect((await told(windowId, emailSubscriber)).filter((item) => item.endsWith(fourth))).toEqual(
      ['scheduled', 'started', 'completed'].map((k) => `maintenance.${k}@${fourth}`),
    );
  });

  it('queues each message once when two replicas run at the same time', async () => {
    // Saved at T0 (the session's token is still good then): its first night is the 20th.
    clockAt(T0.toISOString());
    const nightly = await createWindow({
      name: 'Nightly backup',
      monitorIds: [shownMonitor],
      startsAt: '2026-04-20T00:00:00Z',
      recurrence: { rrule: 'FREQ=DAILY;BYHOUR=3', timeZone: 'UTC', durationMinutes: 30 },
    });
    const [a, b] = replicas.map((db) => announcer(db));
    if (!a || !b) throw new Error('two replicas expected');
    for (const at of ['2026-04-20T03:00:00Z', '2026-04-20T03:10:00Z', '2026-04-20T03:30:05Z']) {
      const now = new Date(at);
      const results = await Promise.all([a.runOnce(now), b.runOnce(now), a.runOnce(now), b.runOnce(now)]);
      expect(results.map((r) => r.failedOrgs)).toEqual([0, 0, 0, 0]);
    }
    const rows = await rowsOf(nightly);
    const keys = rows.map((r) => `${r.subscriber_id}:${r.kind}@${r.occurrence_key}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Per subscriber: the 20th's notice (on save), start and end, and the 21st's notice (within 24 hours).
    expect(await told(nightly, emailSubscriber)).toEqual([
      'maintenance.scheduled@2026-04-20T03:00:00.000Z',
      'maintenance.started@2026-04-20T03:00:00.000Z',
      'maintenance.scheduled@2026-04-21T03:00:00.000Z',
      'maintenance.completed@2026-04-20T03:00:00.000Z',
    ]);
    expect(rows).toHaveLength(8);
  });

  it('looks at a bounded number of windows per run and resumes after the last one at the next run', async () => {
    clockAt(T0.toISOString());
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push(
        await createWindow({
          name: `Bounded ${n}`,
          monitorIds: [shownMonitor],
          startsAt: '2026-05-01T00:00:00Z',
          endsAt: '2026-05-01T01:00:00Z',
        }),
      );
    }
    const startedFor = async () => {
      const rows = await testDb.db
        .selectFrom('status_page_deliveries')
        .select('subject_id')
        .distinct()
        .where('subject_id', 'in', ids)
        .where('kind', '=', 'maintenance.started')
        .execute();
      return rows.map((r) => r.subject_id).sort();
    };
    // Other windows of the page also overlap: the cap counts every window a run looks at.
    const job = announcer(testDb.db, { page: 2, perRun: 2 });
    const now = new Date('2026-05-01T00:10:00Z');
    const runs = [];
    for (let i = 0; i < 4 && (await startedFor()).length < 3; i++) runs.push(await job.runOnce(now));
    expect(runs.every((run) => run.windows <= 2)).toBe(true);
    expect(runs.length).toBeGreaterThan(1);
    expect(await startedFor()).toEqual([...ids].sort());
  });
  it('announces only the next occurrence ahead, so an hourly window does not send a day of notices at once', async () => {
    clockAt(T0.toISOString());
    const hourly = await createWindow({
      name: 'Hourly cache flush',
      monitorIds: [shownMonitor],
      startsAt: '2026-06-01T00:00:00Z',
      recurrence: { rrule: 'FREQ=HOURLY;BYMINUTE=30', timeZone: 'UTC', durationMinutes: 5 },
    });
    const job = announcer();
    await job.runOnce(new Date('2026-06-01T00:10:00Z'));
    expect(await told(hourly, emailSubscriber)).toEqual(['maintenance.scheduled@2026-06-01T00:30:00.000Z']);
    await job.runOnce(new Date('2026-06-01T00:31:00Z'));
    // Started, then (in the order queued) the next one's notice.
    expect(await told(hourly, emailSubscriber)).toEqual([
      'maintenance.scheduled@2026-06-01T00:30:00.000Z',
      'maintenance.started@2026-06-01T00:30:00.000Z',
      'maintenance.scheduled@2026-06-01T01:30:00.000Z',
    ]);
  });
});
