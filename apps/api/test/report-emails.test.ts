import { createDb, type Db } from '@sentinelmesh/db';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import { createLogger } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportSender, sendDueReports, smtpReportSender } from '../src/jobs/report-emails';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';
import {
  componentTable,
  csvSections,
  monitorLines,
  organizationTable,
  pdfText,
  type SeededMonth,
  SLA_NOW,
  seedSlaMonth,
} from './sla-month';

// The sender runs on the 1st of April, a few minutes after midnight (UTC): March is due.
const FIRST_OF_APRIL = new Date('2026-04-01T00:05:00Z');
const logger = createLogger('report-emails-test', 'silent');

let testDb: TestDatabase;
let api: TestApi;
let owner: Session;
let other: Session;
let seeded: SeededMonth;
let replicas: Db[];
let sender: ReportSender;
const ids: Record<string, string> = {};

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { now: SLA_NOW });
  owner = await signupUser(api.app, 'Group Report Inc');
  other = await signupUser(api.app, 'Elsewhere Ltd');
  seeded = await seedSlaMonth(api, testDb, owner);
  replicas = [0, 1].map(() => createDb({ connectionString: testDb.url, max: 3 }));
  sender = smtpReportSender({ smtpUrl: api.mailbox.url, from: 'SentinelMesh <reports@example.com>' });
});

afterAll(async () => {
  sender?.close();
  await Promise.all((replicas ?? []).map((db) => db.destroy()));
  await api?.app.close();
  await testDb?.drop();
});

const as = (session: Session) => client(api.app, session.token);
const subscribe = (body: Record<string, unknown>, session = owner) =>
  as(session).post('/v1/report-subscriptions', body);

describe('report subscriptions', () => {
  it('are created, listed, changed and deleted by admins', async () => {
    const created = await subscribe({
      scope: 'component',
      targetId: seeded.componentId,
      recipients: ['Ops@Example.com', 'ops@example.com', 'cfo@example.com'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      scope: 'component',
      targetId: seeded.componentId,
      recipients: ['ops@example.com', 'cfo@example.com'],
      format: 'pdf',
      enabled: true,
      lastSentMonth: null,
    });
    ids.component = created.json().id;
    ids.organization = (
      await subscribe({ scope: 'organization', recipients: ['board@example.com'], format: 'csv' })
    ).json().id;
    ids.monitor = (
      await subscribe({ scope: 'monitor', targetId: seeded.monitors.A, recipients: ['shop-a@example.com'] })
    ).json().id;
    ids.disabled = (
      await subscribe({ scope: 'organization', recipients: ['off@example.com'], enabled: false })
    ).json().id;
    ids.late = (await subscribe({ scope: 'organization', recipients: ['late@example.com'] })).json().id;
    const list = (await as(owner).get('/v1/report-subscriptions?limit=2')).json();
    expect(list.items).toHaveLength(2);
    expect(list.nextCursor).not.toBeNull();
    const patched = await as(owner).patch(`/v1/report-subscriptions/${ids.monitor}`, { format: 'csv' });
    expect(patched.json()).toMatchObject({ format: 'csv', recipients: ['shop-a@example.com'] });
    const extra = (await subscribe({ scope: 'organization', recipients: ['x@example.com'] })).json().id;
    expect((await as(owner).delete(`/v1/report-subscriptions/${extra}`)).statusCode).toBe(204);
    expectProblem(await as(owner).get(`/v1/report-subscriptions/${extra}`), 404);
  });

  it('refuse a missing or foreign target, a target on an organization report and too many recipients', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `r${i}@example.com`);
    for (const body of [
      { scope: 'monitor', recipients: ['a@example.com'] },
      { scope: 'organization', targetId: seeded.monitors.A, recipients: ['a@example.com'] },
      { scope: 'organization', recipients: many },
      { scope: 'organization', recipients: ['not an address'] },
      { scope: 'component', targetId: seeded.monitors.A, recipients: ['a@example.com'] },
    ])
      expectProblem(await subscribe(body), 400);
    const foreign = await subscribe(
      { scope: 'monitor', targetId: seeded.monitors.A, recipients: ['a@example.com'] },
      other,
    );
    expect(expectProblem(foreign, 400).errors).toEqual([{ path: 'targetId', message: 'monitor not found' }]);
  });

  it("are an admin's: a member may not see them, another organization gets a 404", async () => {
    const member = await addMemberSession(api, owner, 'member');
    expectProblem(await as(member).get('/v1/report-subscriptions'), 403);
    expectProblem(await subscribe({ scope: 'organization', recipients: ['a@example.com'] }, member), 403);
    expectProblem(await as(other).get(`/v1/report-subscriptions/${ids.component}`), 404);
    expectProblem(
      await as(other).patch(`/v1/report-subscriptions/${ids.component}`, { enabled: false }),
      404,
    );
  });
});

describe('the monthly report email', () => {
  beforeAll(async () => {
    // They existed before March ended, except the one made on April 1st.
    await testDb.db
      .updateTable('report_subscriptions')
      .set({ created_at: new Date('2026-03-15T00:00:00Z') } as never)
      .where('org_id', '=', owner.orgId)
      .execute();
    await testDb.db
      .updateTable('report_subscriptions')
      .set({ created_at: new Date('2026-04-01T00:01:00Z') } as never)
      .where('id', '=', ids.late as string)
      .execute();
  });

  const reportMails = () => api.mailbox.mails.filter((m) => m.subject.startsWith('SLA report'));

  it('is tried again at the next run when the mail server cannot take it', async () => {
    const down = smtpReportSender({ smtpUrl: 'smtp://127.0.0.1:1', from: 'reports@example.com' });
    const sent = await sendDueReports({ db: replicas[0] as Db, sender: down, now: FIRST_OF_APRIL, logger });
    down.close();
    expect(sent).toBe(0);
    const claims = await testDb.db.selectFrom('report_deliveries').select('month').execute();
    expect(claims).toEqual([]);
  });

  it('goes out once per subscription and month, across two replicas at once and a restart', async () => {
    const run = (db: Db) => sendDueReports({ db, sender, now: FIRST_OF_APRIL, logger });
    const [first, second] = await Promise.all(replicas.map(run));
    const again = await run(replicas[1] as Db);
    expect([(first ?? 0) + (second ?? 0), again]).toEqual([3, 0]);
    const mails = reportMails();
    expect(mails.map((m) => m.to.join(',')).sort()).toEqual([
      'board@example.com',
      'ops@example.com,cfo@example.com',
      'shop-a@example.com',
    ]);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
    const views = (await as(owner).get('/v1/report-subscriptions?limit=200')).json().items;
    const lastSent = Object.fromEntries(
      views.map((v: { id: string; lastSentMonth: string | null }) => [v.id, v.lastSentMonth]),
    );
    expect(lastSent).toMatchObject({
      [ids.component as string]: '2026-03',
      [ids.organization as string]: '2026-03',
      [ids.monitor as string]: '2026-03',
      [ids.disabled as string]: null,
      [ids.late as string]: null,
    });
  });

  it("carries the component's report as a PDF whose figures match the hand-computed table", async () => {
    const mail = reportMails().find((m) => m.to.includes('cfo@example.com'));
    expect(mail?.subject).toBe('SLA report 2026-03: Checkout');
    expect(mail?.text).toContain('Uptime: 99.4609 % (maintenance excluded)');
    const [attachment] = mail?.attachments ?? [];
    expect(attachment?.contentType).toBe('application/pdf');
    expect(attachment?.filename).toBe('sla-component-2026-03.pdf');
    expect(attachment?.content.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(attachment?.content ?? Buffer.alloc(0));
    for (const [metric, value] of componentTable) expect(text).toContain(`${metric}: ${value}`);
  });

  it("carries the organization's report as a CSV whose figures match the hand-computed table", async () => {
    const mail = reportMails().find((m) => m.to.includes('board@example.com'));
    const [attachment] = mail?.attachments ?? [];
    expect(attachment?.contentType).toMatch(/^text\/csv/);
    const { summary } = csvSections(attachment?.content.toString('utf8') ?? '');
    for (const [metric, value] of organizationTable)
      expect([metric, summary.get(metric)]).toEqual([metric, value]);
  });

  it("carries a monitor's own report", async () => {
    const mail = reportMails().find((m) => m.to.includes('shop-a@example.com'));
    const { summary } = csvSections(mail?.attachments[0]?.content.toString('utf8') ?? '');
    const [name, uptime, checks] = monitorLines.A;
    expect([summary.get('monitor'), summary.get('uptimePercent'), summary.get('checks')]).toEqual([
      name,
      uptime,
      checks,
    ]);
  });
});
