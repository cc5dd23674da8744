import { createDb, type Db } from '@sentinelmesh/db';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { XMLValidator } from 'fast-xml-parser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../../test/support/stack';
import { waitFor } from '../../../../test/support/wait';
import { startSmtpReceiver } from '../../../verifier/test/receivers';
import { hydrated, launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';

// A status page talking to its subscribers, in headless Chromium against the real API and dashboard:
// a visitor subscribes and confirms by the emailed link, a member posts an incident and two updates
// in the editor, the subscriber gets each by mail, the page, its history and its feed show them,
// and unsubscribing stops the mail. Mail goes to a real SMTP receiver on 127.0.0.1.

const OWNER = 'owner@status-comm.example';
const READER = 'reader@customer.example';
const PASSWORD = 'correct horse battery';
const SLUG = 'comm-status';
const TITLE = 'Comm Status';

let db: TestDatabase;
let reader: Db;
let stack: TestStack;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  reader = createDb({ connectionString: db.url, max: 1 });
  smtp = await startSmtpReceiver();
  [stack, browser] = await Promise.all([
    startTestStack({
      databaseUrl: db.url,
      apps: 'api,web',
      timeoutMs: 240_000,
      env: {
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Comm Status <status@comm.example>',
        // Every update at once, so the test sees each one arrive.
        SUBSCRIBER_MIN_GAP_SECONDS: '0',
        SUBSCRIBER_DELIVERY_INTERVAL_MS: '250',
      },
    }),
    launchChromium(),
  ]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await smtp?.close();
  await reader?.destroy();
  await db?.drop();
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  const pages = contexts.flatMap((c) => c.pages());
  await Promise.all(
    pages.map((page, i) => saveScreenshot(page, `status-comm-failed-${i}`).catch(() => undefined)),
  );
});

async function newVisitor(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));

/** The link to `path` (with its token) in the newest mail to `to` that has one. */
async function emailedLink(to: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s/]+${path}\\?token=[^\\s"'<>&]+`);
  let link: string | undefined;
  await waitFor(
    `an email to ${to} with a ${path} link`,
    () => {
      const mail = mailsTo(to).findLast((m) => pattern.test(m.text));
      link = mail ? pattern.exec(mail.text)?.[0] : undefined;
      return link !== undefined;
    },
    { timeoutMs: 20_000 },
  );
  expect(link?.startsWith(`${stack.web}${path}?token=`), `${link} opens this dashboard`).toBe(true);
  return String(link);
}

async function expectAccessible(page: Page, what: string) {
  expect(await seriousA11yViolations(page), what).toEqual([]);
}

describe('status page subscribers', () => {
  it('subscribe, confirm, hear about an incident and two updates, see them on the page and feed, unsubscribe', async () => {
    // The member: signs up and publishes a page.
    const member = await newVisitor();
    await member.goto(`${stack.web}/signup`);
    await hydrated(member);
    await member.getByLabel('Email').fill(OWNER);
    await member.getByLabel('Password').fill(PASSWORD);
    await member.getByLabel('Organization name').fill('Comm Org');
    await member.getByRole('button', { name: 'Create organization' }).click();
    await member.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    const login = await fetch(`${stack.api}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const asOwner = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const monitor = await fetch(`${stack.api}/v1/monitors`, {
      method: 'POST',
      headers: asOwner,
      body: JSON.stringify({ type: 'http', name: 'Payments API', url: 'https://example.com/', paused: true }),
    });
    expect(monitor.status).toBe(201);
    const { id: monitorId } = (await monitor.json()) as { id: string };
    const created = await fetch(`${stack.api}/v1/status-pages`, {
      method: 'POST',
      headers: asOwner,
      body: JSON.stringify({
        slug: SLUG,
        title: TITLE,
        monitorIds: [monitorId],
        components: [{ name: 'Payments', monitorIds: [monitorId] }],
      }),
    });
    expect(created.status).toBe(201);

    // The subscriber: subscribes on the public page and confirms by the emailed link.
    const visitor = await newVisitor();
    await visitor.goto(`${stack.web}/status/${SLUG}`);
    await visitor.getByRole('heading', { name: TITLE }).waitFor();
    await hydrated(visitor);
    expect(await visitor.locator('head link[rel="alternate"][type="application/atom+xml"]').count()).toBe(1);
    await expectAccessible(visitor, 'the public page');
    await visitor.getByLabel('Email address').fill(READER);
    await visitor.getByRole('button', { name: 'Subscribe' }).click();
    await visitor.getByText('Check your inbox').waitFor();
    const confirm = await emailedLink(READER, `/status/${SLUG}/confirm`);
    await visitor.goto(confirm);
    await hydrated(visitor, 'main button');
    await expectAccessible(visitor, 'the confirm page');
    await visitor.getByRole('button', { name: 'Confirm subscription' }).click();
    await visitor.getByText('Subscribed.').waitFor();

    // The member posts an incident and two updates in the status page editor.
    await member.goto(`${stack.web}/status-pages`);
    await member.getByRole('button', { name: `Edit ${TITLE}` }).click();
    await member.getByRole('heading', { name: `Incidents on ${TITLE}` }).waitFor();
    await member.locator('#pi-title').fill('Checkout errors');
    await member.getByLabel('Impact').selectOption('major_outage');
    await member.getByRole('group', { name: 'Affected components' }).getByLabel('Payments').check();
    await member.getByLabel('First update').fill('Some payments fail; we are looking into it.');
    await member.getByRole('button', { name: 'Post incident' }).click();
    const updateForm = member.getByRole('form', { name: 'Update Checkout errors' });
    await updateForm.waitFor();
    for (const [status, message] of [
      ['identified', 'A certificate expired at the payment provider.'],
      ['monitoring', 'The certificate is renewed; we are watching payments.'],
    ] as const) {
      await updateForm.getByLabel('Status').selectOption(status);
      await updateForm.getByLabel('Update').fill(message);
      await updateForm.getByRole('button', { name: 'Post update' }).click();
      await member.getByText(message).first().waitFor();
    }

    // The subscriber receives each of them, in order.
    await waitFor('three incident emails', () => mailsTo(READER).length >= 4, { timeoutMs: 30_000 });
    const incidentMails = mailsTo(READER).slice(1);
    expect(incidentMails.map((m) => m.subject)).toEqual([
      `[${TITLE}] Investigating: Checkout errors`,
      `[${TITLE}] Identified: Checkout errors`,
      `[${TITLE}] Monitoring: Checkout errors`,
    ]);
    expect(incidentMails[2]?.text).toContain('The certificate is renewed');
    expect(incidentMails[2]?.rawHeaders['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // The public page, its history and its feed show them.
    await visitor.goto(`${stack.web}/status/${SLUG}`);
    await visitor.getByRole('heading', { name: 'Current incidents' }).waitFor();
    await visitor.locator('.page-incident').getByText('Affects Payments').waitFor();
    for (const text of [
      'Checkout errors',
      'A certificate expired',
      'The certificate is renewed',
      'Some payments fail',
    ]) {
      await visitor.getByText(text).first().waitFor();
    }
    await expectAccessible(visitor, 'the public page with an incident');
    await visitor.getByRole('link', { name: 'Incident history' }).click();
    await visitor.getByRole('heading', { name: 'Incident history' }).waitFor();
    await visitor.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    await expectAccessible(visitor, 'the history page');
    const feed = await fetch(`${stack.web}/api/v1/public/status-pages/${SLUG}/feed.atom`);
    const atom = await feed.text();
    expect(XMLValidator.validate(atom)).toBe(true);
    for (const title of [
      'Investigating: Checkout errors',
      'Identified: Checkout errors',
      'Monitoring: Checkout errors',
    ]) {
      expect(atom).toContain(`<title>${title}</title>`);
    }

    // Unsubscribing by the link in the mail stops the mail.
    const unsubscribeLink = await emailedLink(READER, `/status/${SLUG}/unsubscribe`);
    await visitor.goto(unsubscribeLink);
    await hydrated(visitor, 'main button');
    await expectAccessible(visitor, 'the unsubscribe page');
    await visitor.getByRole('button', { name: 'Unsubscribe' }).click();
    await visitor.getByText('Unsubscribed.').waitFor();
    const left = await reader
      .selectFrom('status_page_subscribers')
      .select('email')
      .where('email', '=', READER)
      .execute();
    expect(left).toEqual([]);
    // The header's one-click target answers through the dashboard as a mail client would POST it.
    const oneClick = /^<([^>]+)>$/.exec(incidentMails[2]?.rawHeaders['list-unsubscribe'] ?? '')?.[1];
    const posted = await fetch(String(oneClick), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    await updateForm.getByLabel('Status').selectOption('resolved');
    await updateForm.getByLabel('Update').fill('Payments work again.');
    await updateForm.getByRole('button', { name: 'Post update' }).click();
    await member.getByText('Payments work again.').first().waitFor();
    const queued = await reader.selectFrom('status_page_deliveries').select('id').execute();
    expect(queued).toHaveLength(0);
    expect(mailsTo(READER)).toHaveLength(4);
  }, 240_000);
});
