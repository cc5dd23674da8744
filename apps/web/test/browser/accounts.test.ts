import { createDb, type Db } from '@sentinelmesh/db';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/wait';
import { startSmtpReceiver } from '../../../verifier/test/receivers';
import type { Usage } from '../../src/lib/api-types';
import { usageRows } from '../../src/lib/usage';
import { hydrated, launchChromium, saveScreenshot, seriousA11yViolations } from './support/chromium';
import { type RunningStack, startStack } from './support/stack';

// Accounts, invitations and usage in headless Chromium against the real stack; mail goes to a real
// SMTP receiver on 127.0.0.1, and each test reads its link (and token) from the message received.

const PASSWORD = 'correct horse battery';
const ADMIN = 'admin@acme.example';
const INVITEE = 'new.hire@acme.example';

let db: TestDatabase;
/** Reads what the dashboard's actions left in the database. */
let reader: Db;
let stack: RunningStack;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  reader = createDb({ connectionString: db.url, max: 1 });
  smtp = await startSmtpReceiver();
  [stack, browser] = await Promise.all([
    startStack(db.url, {
      SMTP_URL: smtp.url,
      SMTP_FROM: 'SentinelMesh <noreply@sentinelmesh.test>',
      MAX_MONITORS_PER_ORG: '25',
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

// A failed step leaves a picture of every open page, to see what the person would have seen.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  const pages = contexts.flatMap((c) => c.pages());
  await Promise.all(
    pages.map((page, i) => saveScreenshot(page, `accounts-failed-${i}`).catch(() => undefined)),
  );
});

/** A browser of its own (cookies included), as a second person or device would have. */
async function newVisitor(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** The newest dashboard link to `path` (with its token) emailed to `to`, waiting for it to arrive. */
async function emailedLink(to: string, path: string, after = 0): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s/]+${path}\\?token=[^\\s"'<>&]+`);
  let link: string | undefined;
  await waitFor(
    `an email to ${to} with a ${path} link`,
    () => {
      const mail = smtp.mails.slice(after).findLast((m) => m.to.includes(to) && m.text.includes(path));
      link = mail ? pattern.exec(mail.text)?.[0] : undefined;
      return link !== undefined;
    },
    { timeoutMs: 20_000 },
  );
  expect(link?.startsWith(`${stack.web}${path}?token=`), `${link} opens this dashboard`).toBe(true);
  return String(link);
}

async function signUp(page: Page, email: string, organizationName: string): Promise<void> {
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(organizationName);
  await page.getByRole('button', { name: 'Create organization' }).click();
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Every organization `email` belongs to, read from the database the stack runs on. */
async function membershipsOf(email: string): Promise<Array<{ organization: string; role: string }>> {
  return reader
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['o.name as organization', 'm.role'])
    .where('u.email', '=', email)
    .execute();
}

async function organizationCount(): Promise<number> {
  return (await reader.selectFrom('organizations').select('id').execute()).length;
}

async function expectNoSeriousA11yViolations(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  expect(await seriousA11yViolations(page), `${name} has no serious axe-core violation`).toEqual([]);
}

describe('accounts in the dashboard, in headless Chromium against the real stack', () => {
  let admin: Page;
  let invitee: Page;

  it('invites a member by email; the invitee signs up from the link and lands in the inviting organization, with one membership and no organization of their own', async () => {
    admin = await newVisitor();
    await admin.goto(`${stack.web}/signup`);
    await signUp(admin, ADMIN, 'Acme');
    await admin.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    await admin.getByRole('region', { name: 'Email verification' }).waitFor();
    await saveScreenshot(admin, 'verify-email-banner');

    // Verifying in the signed-in browser ends the reminder.
    await admin.goto(await emailedLink(ADMIN, '/verify-email'));
    await admin.getByText('Your email address is verified.').waitFor();
    await expectNoSeriousA11yViolations(admin, 'verify-email');
    await admin.getByRole('link', { name: 'Go to the dashboard' }).click();
    await admin.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    expect(await admin.getByRole('region', { name: 'Email verification' }).count()).toBe(0);

    await admin.getByRole('link', { name: 'Members' }).click();
    await admin.getByRole('heading', { name: 'Invite member' }).waitFor();
    await admin.getByLabel('Email').fill(INVITEE);
    await admin.getByLabel('Role', { exact: true }).selectOption('member');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByText(`Invitation sent to ${INVITEE}.`).waitFor();
    const row = admin
      .locator('table', { hasText: 'Pending invitations' })
      .getByRole('row', { name: INVITEE });
    await row.waitFor();
    expect(await row.textContent()).toContain('Pending');
    expect(await row.textContent()).toContain(ADMIN);
    await expectNoSeriousA11yViolations(admin, 'members-invitations');

    const invitation = await emailedLink(INVITEE, '/invitations/accept');

    // A verified account of another address, not in Acme, holds the link: refused.
    const outsider = await newVisitor();
    await outsider.goto(`${stack.web}/signup`);
    await signUp(outsider, 'outsider@elsewhere.example', 'Elsewhere');
    await outsider.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    await outsider.goto(await emailedLink('outsider@elsewhere.example', '/verify-email'));
    await outsider.getByText('Your email address is verified.').waitFor();
    await outsider.goto(invitation);
    await outsider.getByRole('button', { name: 'Accept and join Acme' }).click();
    await outsider.getByText('This invitation is for another email address').waitFor();
    await outsider.getByRole('button', { name: 'Log out and switch account' }).waitFor();
    await saveScreenshot(outsider, 'invitation-wrong-address');

    invitee = await newVisitor();
    await invitee.goto(invitation);
    await invitee.getByRole('link', { name: 'Log in to accept' }).waitFor();
    expect(await invitee.locator('dl').textContent()).toMatch(/Acme.*member.*new\.hire@acme\.example/);
    await expectNoSeriousA11yViolations(invitee, 'invitation-signed-out');
    // Signing up from the link joins Acme: no organization to name, none of their own created, and
    // the link proved the address, so there is nothing to verify first.
    await invitee.getByRole('link', { name: 'Sign up' }).click();
    await invitee.getByRole('heading', { name: 'Join Acme' }).waitFor();
    await hydrated(invitee);
    expect(await invitee.getByLabel('Organization name').count()).toBe(0);
    expect(await invitee.getByLabel('Email').inputValue()).toBe(INVITEE);
    await expectNoSeriousA11yViolations(invitee, 'signup-invited');
    await invitee.getByLabel('Password').fill(PASSWORD);
    await invitee.getByRole('button', { name: 'Create account and join' }).click();
    await invitee.waitForURL((url) => url.pathname === '/');
    await invitee.locator('.app-header__org', { hasText: 'Acme' }).waitFor();
    expect(await invitee.getByRole('region', { name: 'Email verification' }).count()).toBe(0);
    expect(await membershipsOf(INVITEE)).toEqual([{ organization: 'Acme', role: 'member' }]);
    expect(await organizationCount()).toBe(2); // Acme and the outsider's Elsewhere: none for the invitee

    // The link was single-use.
    const reuse = await newVisitor();
    await reuse.goto(invitation);
    await reuse.getByText('This invitation link is no longer valid').waitFor();

    await admin.goto(`${stack.web}/settings/members`);
    await admin
      .locator('table', { hasText: 'Members of this organization' })
      .getByRole('rowheader', { name: INVITEE })
      .waitFor();
    await admin.getByText('No pending invitations.').waitFor();
  }, 120_000);

  it('revokes a pending invitation, after which its link no longer works', async () => {
    const mailsBefore = smtp.mails.length;
    await admin.goto(`${stack.web}/settings/members`);
    await admin.getByLabel('Email').fill('changed.mind@acme.example');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByText('Invitation sent to changed.mind@acme.example.').waitFor();
    const link = await emailedLink('changed.mind@acme.example', '/invitations/accept', mailsBefore);

    await admin.getByRole('button', { name: 'Revoke changed.mind@acme.example' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke invitation' }).click();
    await admin.getByText('No pending invitations.').waitFor();

    const visitor = await newVisitor();
    await visitor.goto(link);
    await visitor.getByText('This invitation link is no longer valid').waitFor();
  }, 60_000);

  it('resets a forgotten password from the emailed link: the same answer for an unknown address, every session signed out, the new password works', async () => {
    const visitor = await newVisitor();
    const confirmation = async (email: string) => {
      await visitor.goto(`${stack.web}/login`);
      await hydrated(visitor);
      await visitor.getByRole('link', { name: 'Forgot password?' }).click();
      await visitor.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await hydrated(visitor);
      await visitor.getByLabel('Email').fill(email);
      await visitor.getByRole('button', { name: 'Email me a reset link' }).click();
      await visitor.getByRole('heading', { name: 'Check your email' }).waitFor();
      return (await visitor.getByRole('status').textContent())?.replace(email, '<email>');
    };
    const mailsBefore = smtp.mails.length;
    const forUnknown = await confirmation('nobody@acme.example');
    const forAdmin = await confirmation(ADMIN);
    expect(forUnknown).toBe(forAdmin);
    await expectNoSeriousA11yViolations(visitor, 'forgot-password-sent');

    await visitor.goto(await emailedLink(ADMIN, '/reset-password', mailsBefore));
    await hydrated(visitor);
    await visitor.getByLabel('New password', { exact: true }).fill('short');
    await visitor.getByRole('button', { name: 'Set new password' }).click();
    await visitor.getByText('Use at least 10 characters').waitFor();
    await expectNoSeriousA11yViolations(visitor, 'reset-password');
    await visitor.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await visitor.getByRole('button', { name: 'Set new password' }).click();
    await visitor.waitForURL((url) => url.pathname === '/login');
    await visitor.getByText('Your password was changed').waitFor();

    // The admin's other browser was signed out by the reset.
    await admin.goto(`${stack.web}/settings/members`);
    await admin.waitForURL((url) => url.pathname === '/login');

    await logIn(visitor, ADMIN, PASSWORD);
    await visitor.getByText('The email or password is not correct.').waitFor();
    await logIn(visitor, ADMIN, 'a brand new passphrase');
    await visitor.waitForURL((url) => url.pathname === '/');
    await visitor.locator('.app-header__org', { hasText: 'Acme' }).waitFor();
  }, 90_000);

  it('changes the password (wrong current one shown at its field), which signs out other sessions but not this one; switches organization; then signs out everywhere', async () => {
    const otherDevice = await newVisitor();
    await otherDevice.goto(`${stack.web}/login`);
    await logIn(otherDevice, INVITEE, PASSWORD);
    await otherDevice.waitForURL((url) => url.pathname === '/');

    await invitee.getByRole('link', { name: 'Account' }).click();
    await invitee.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    expect(await invitee.locator('dl.settings').textContent()).toContain('Verified');
    await invitee.getByLabel('Current password').fill('not my password at all');
    await invitee.getByLabel('New password', { exact: true }).fill('another long passphrase');
    await invitee.getByRole('button', { name: 'Change password' }).click();
    const currentError = invitee.locator('#currentPassword-error');
    await currentError.waitFor();
    expect(await invitee.getByLabel('Current password').getAttribute('aria-describedby')).toContain(
      'currentPassword-error',
    );
    await expectNoSeriousA11yViolations(invitee, 'account-wrong-password');

    await invitee.getByLabel('Current password').fill(PASSWORD);
    await invitee.getByRole('button', { name: 'Change password' }).click();
    await invitee.getByText('Password changed.').waitFor();

    // This tab keeps working (it refreshes through its cookie); the other device is signed out.
    await invitee.getByRole('link', { name: 'Monitors' }).click();
    await invitee.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    await otherDevice.reload();
    await otherDevice.waitForURL((url) => url.pathname === '/login');

    // A second organization invites the signed-in invitee, who accepts from the emailed link.
    const owner = await fetch(`${stack.api}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'owner@second.example',
        password: PASSWORD,
        organizationName: 'Second Org',
      }),
    });
    expect(owner.status).toBe(201);
    const mailsBefore = smtp.mails.length;
    const invited = await fetch(`${stack.api}/v1/members`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${((await owner.json()) as { accessToken: string }).accessToken}`,
      },
      body: JSON.stringify({ email: INVITEE, role: 'viewer' }),
    });
    expect(invited.status).toBe(201);
    await invitee.goto(await emailedLink(INVITEE, '/invitations/accept', mailsBefore));
    await invitee.getByRole('button', { name: 'Accept and join Second Org' }).click();
    await invitee.waitForURL((url) => url.pathname === '/');
    await invitee.locator('.app-header__org', { hasText: 'Second Org' }).waitFor();

    // In two organizations now (Acme, and Second Org): switching is a login into the other.
    await invitee.getByRole('link', { name: 'Account' }).click();
    await invitee.getByLabel('Organization', { exact: true }).selectOption({ label: 'Acme (member)' });
    await invitee.getByLabel('Password', { exact: true }).fill('another long passphrase');
    await invitee.getByRole('button', { name: 'Switch', exact: true }).click();
    await invitee.waitForURL((url) => url.pathname === '/');
    await invitee.locator('.app-header__org', { hasText: 'Acme' }).waitFor();

    await invitee.getByRole('link', { name: 'Account' }).click();
    await invitee.getByRole('button', { name: 'Sign out everywhere' }).click();
    await invitee.waitForURL((url) => url.pathname === '/login');
    await invitee.getByText('You were signed out on every device.').waitFor();
    await invitee.reload();
    await invitee.getByRole('heading', { name: 'Log in to SentinelMesh' }).waitFor();
    await logIn(invitee, INVITEE, 'another long passphrase');
    await invitee.waitForURL((url) => url.pathname === '/');
  }, 90_000);

  it('shows each limit with the usage the API reports, and the settings pages fit a phone', async () => {
    // An organization of its own, set up through the API; then seen in the dashboard.
    const email = 'quota@usage.example';
    const signup = await fetch(`${stack.api}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, organizationName: 'Usage Org' }),
    });
    expect(signup.status).toBe(201);
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const api = async (path: string, body?: unknown) => {
      const response = await fetch(`${stack.api}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.ok, `${path} answers ${response.status}`).toBe(true);
      return response.json();
    };
    for (const name of ['one', 'two', 'three']) {
      await api('/v1/monitors', { name, type: 'http', url: 'http://127.0.0.1:9/', intervalSeconds: 60 });
    }
    await api('/v1/channels', { type: 'webhook', name: 'hook', config: { url: 'http://127.0.0.1:9/hook' } });
    const usage = (await api('/v1/usage')) as Usage;
    expect(usage.usage.monitors).toBe(3);

    const owner = await newVisitor();
    await owner.goto(`${stack.web}/login`);
    await logIn(owner, email, PASSWORD);
    await owner.getByRole('heading', { name: 'Monitors', level: 1 }).waitFor();
    await owner.getByRole('link', { name: 'Usage' }).click();
    await owner.getByRole('heading', { name: 'Usage and limits' }).waitFor();
    const items = owner.getByRole('list', { name: 'Usage and limits' }).getByRole('listitem');
    await items.first().waitFor();
    for (const row of usageRows(usage)) {
      const item = items.filter({ has: owner.getByText(row.label, { exact: true }) });
      expect(await item.locator('.usage__figure').textContent(), row.label).toBe(row.figure);
      expect(await item.locator('meter').count(), row.label).toBe(row.percent === null ? 0 : 1);
    }
    expect(usage.limits.monitors).toBe(25);
    expect(await items.filter({ hasText: 'Monitors' }).first().locator('.usage__figure').textContent()).toBe(
      '3 of 25',
    );
    const monitors = items.filter({ has: owner.getByText('Monitors', { exact: true }) }).locator('meter');
    expect(await monitors.getAttribute('value')).toBe('3');
    expect(await monitors.getAttribute('max')).toBe('25');
    await expectNoSeriousA11yViolations(owner, 'usage');

    await owner.setViewportSize({ width: 390, height: 844 });
    for (const [name, route] of [
      ['usage-phone', '/settings/usage'],
      ['account-phone', '/settings/account'],
      ['members-phone', '/settings/members'],
    ] as const) {
      await owner.goto(`${stack.web}${route}`);
      await owner.locator('main h1').first().waitFor();
      await owner.locator('.loading').first().waitFor({ state: 'detached' });
      await saveScreenshot(owner, name);
      const width = await owner.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${name} fits a 390 px screen`).toBeLessThanOrEqual(390);
    }
  }, 60_000);

  it("stays signed in after signing up when the refusal of the page's first session check arrives late", async () => {
    const visitor = await newVisitor();
    // The page asks for a session as it opens; its refusal is held until the sign-up has landed.
    let releaseRefusal = () => {};
    const refusalHeld = new Promise<void>((resolve) => {
      releaseRefusal = resolve;
    });
    await visitor.route('**/api/v1/auth/refresh', async (route) => {
      await refusalHeld;
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'urn:sentinelmesh:problem:unauthenticated',
          title: 'Unauthenticated',
          status: 401,
        }),
      });
    });
    const refusal = visitor.waitForResponse((res) => new URL(res.url()).pathname === '/api/v1/auth/refresh');
    await visitor.goto(`${stack.web}/signup`);
    await signUp(visitor, 'late.refusal@acme.example', 'Late Refusal');
    await visitor.getByRole('heading', { name: 'No monitors yet' }).waitFor();
    releaseRefusal();
    expect((await refusal).status()).toBe(401);
    await visitor.unroute('**/api/v1/auth/refresh');

    await visitor.getByRole('link', { name: 'Channels' }).click();
    await visitor.getByRole('heading', { name: 'Alert channels', level: 1 }).waitFor();
    expect(new URL(visitor.url()).pathname).toBe('/channels');
    await visitor.locator('.app-header__org', { hasText: 'Late Refusal' }).waitFor();
  }, 90_000);
});
