import type { TestDatabase } from '@sentinelmesh/db/testing';
import { createLogger, SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../verifier/test/receiver';
import { createSubscriberDelivery, type DeliveryPolicy } from '../src/jobs/subscriber-delivery';
import { announce } from '../src/services/status-page-announcements';
import { pruneSubscriberRows } from '../src/services/status-page-subscribers';
import {
  addMemberSession,
  client,
  createTestDatabase,
  expectProblem,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let privateApi: TestApi;
let owner: Session;
let stranger: Session;
let pageId: string;
const SLUG = 'subs-inc';
const secrets: Record<string, string> = {};
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const senders: Array<{ close(): Promise<void> }> = [];

/** A sender of the outbox over the test database; by default no pacing, so one round sends all that is due. */
function delivery(policy: Partial<DeliveryPolicy> = {}, app: TestApi = api) {
  const sender = createSubscriberDelivery({
    db: testDb.db,
    box: new SecretBox(app.config.SECRETS_KEY),
    logger: createLogger('subscriber-test', 'silent'),
    config: app.config,
    policy: { subscriberGapMs: 0, backoffMs: 0, ...policy },
  });
  senders.push(sender);
  return sender;
}

const publicPost = (url: string, payload: unknown, app: TestApi = api) =>
  app.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

const mailsTo = (to: string) => api.mailbox.mails.filter((m) => m.to.includes(to));

async function subscribeAndConfirm(email: string, slug = SLUG) {
  const res = await publicPost(`/v1/public/status-pages/${slug}/subscribers`, { email });
  expect(res.statusCode).toBe(202);
  const token = await api.mailbox.token(email, `/status/${slug}/confirm`);
  const confirmed = await publicPost('/v1/public/status-page-subscriptions/confirm', { token });
  expect(confirmed.statusCode).toBe(200);
}

async function postIncident(title: string, page = pageId) {
  const res = await client(api.app, owner.token).post(`/v1/status-pages/${page}/incidents`, {
    title,
    impact: 'major_outage',
    message: `${title} started`,
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

async function postUpdate(incidentId: string, status: string, message: string, page = pageId) {
  const res = await client(api.app, owner.token).post(
    `/v1/status-pages/${page}/incidents/${incidentId}/updates`,
    {
      status,
      message,
    },
  );
  expect(res.statusCode).toBe(201);
}

const pending = async () =>
  testDb.db.selectFrom('status_page_deliveries').selectAll().where('status', '=', 'pending').execute();

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  privateApi = await startApi(testDb, { env: { ALLOW_PRIVATE_TARGETS: 'true' } });
  receiver = await startReceiver(secrets);
  owner = await signupUser(api.app, 'Subs Inc');
  stranger = await signupUser(api.app, 'Stranger Inc');
  pageId = (
    await client(api.app, owner.token).post('/v1/status-pages', { slug: SLUG, title: 'Subs Inc' })
  ).json().id;
});

afterAll(async () => {
  for (const sender of senders) await sender.close();
  await receiver?.close();
  await privateApi?.app.close();
  await api?.app.close();
  await testDb?.drop();
});

describe('email subscribers', () => {
  it('double opt-in: nothing but the confirmation reaches an unconfirmed address; the same answer every time', async () => {
    const email = 'pending@example.test';
    const first = await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, {
      email: 'Pending@Example.test',
    });
    expect(first.statusCode).toBe(202);
    await api.mailbox.token(email, `/status/${SLUG}/confirm`);
    await postIncident('Unconfirmed see nothing');
    expect(await pending()).toEqual([]);
    await delivery().runOnce();
    expect(mailsTo(email)).toHaveLength(1);

    // Pending again: a fresh link; the old one stops working.
    const again = await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, { email });
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    const [oldToken, newToken] = await waitFor(async () => {
      const tokens = api.mailbox.linksTo(email, `/status/${SLUG}/confirm`);
      if (tokens.length < 2) throw new Error('second link not here yet');
      return tokens;
    });
    expectProblem(await publicPost('/v1/public/status-page-subscriptions/confirm', { token: oldToken }), 400);
    const confirmed = await publicPost('/v1/public/status-page-subscriptions/confirm', { token: newToken });
    expect(confirmed.json()).toEqual({ statusPage: { slug: SLUG, title: 'Subs Inc' } });
    expectProblem(await publicPost('/v1/public/status-page-subscriptions/confirm', { token: newToken }), 400);

    // Confirmed: the same answer, and no mail at all.
    const known = await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, { email });
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(first.body);
    const fresh = await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, {
      email: 'fresh@example.test',
    });
    expect(fresh.body).toBe(first.body);
    await api.mailbox.token('fresh@example.test', `/status/${SLUG}/confirm`);
    expect(mailsTo(email)).toHaveLength(2);
  });

  it('mails each incident update to confirmed subscribers with one-click unsubscribe headers (RFC 8058)', async () => {
    const email = 'reader@example.test';
    await subscribeAndConfirm(email);
    const incident = await postIncident('Database failover');
    await postUpdate(incident, 'identified', 'A disk filled up');
    await postUpdate(incident, 'resolved', 'Space freed, all good');
    const sender = delivery();
    await waitFor(async () => {
      await sender.runOnce();
      if (mailsTo(email).length < 4) throw new Error(`have ${mailsTo(email).length} mails`);
    });
    const updates = mailsTo(email).slice(1);
    expect(updates.map((m) => m.subject)).toEqual([
      '[Subs Inc] Investigating: Database failover',
      '[Subs Inc] Identified: Database failover',
      '[Subs Inc] Resolved: Database failover',
    ]);
    expect(updates[1]?.text).toContain('A disk filled up');
    const mail = updates[2];
    expect(mail?.rawHeaders['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const oneClick = /^<(https?:\/\/[^>]+)>$/.exec(mail?.rawHeaders['list-unsubscribe'] ?? '')?.[1];
    expect(oneClick).toContain('/api/v1/public/status-page-subscriptions/unsubscribe?token=');
    expect(mail?.text).toMatch(new RegExp(`/status/${SLUG}/unsubscribe\\?token=`));

    // What a mail client does: POST the form to the header's URL (here straight to the API).
    const url = new URL(oneClick as string);
    const res = await api.app.inject({
      method: 'POST',
      url: `${url.pathname.replace(/^\/api/, '')}${url.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ unsubscribed: true });
    // Again is fine; a forged token is not.
    const again = await api.app.inject({
      method: 'POST',
      url: `${url.pathname.replace(/^\/api/, '')}${url.search}`,
    });
    expect(again.body).toBe('{"unsubscribed":true}');
    const forged = `${url.searchParams.get('token')?.split('.')[0]}.AAAA`;
    expectProblem(
      await publicPost('/v1/public/status-page-subscriptions/unsubscribe', { token: forged }),
      400,
    );

    await postUpdate(incident, 'monitoring', 'After unsubscribing');
    await sender.runOnce();
    expect(mailsTo(email)).toHaveLength(4);
  });

  it('refuses bad subscriptions with a problem and writes nothing', async () => {
    for (const body of [
      { email: 'not-an-address' },
      {},
      { email: 'a@b.test', webhookUrl: 'https://x.test' },
      { webhookUrl: 'ftp://x.test/' },
    ]) {
      expectProblem(await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, body), 400);
    }
    expectProblem(
      await publicPost('/v1/public/status-pages/no-such-page/subscribers', { email: 'a@b.test' }),
      404,
    );
    expectProblem(await publicPost('/v1/public/status-page-subscriptions/confirm', { token: 'nope' }), 400);
    expectProblem(await publicPost('/v1/public/status-page-subscriptions/unsubscribe', {}), 400);
    // The guard of webhook channels: no private targets unless the deployment allows them.
    const problem = expectProblem(
      await publicPost(`/v1/public/status-pages/${SLUG}/subscribers`, { webhookUrl: receiver.url('/hook') }),
      400,
    );
    expect(problem.errors[0]?.path).toBe('webhookUrl');
    const rows = await testDb.db
      .selectFrom('status_page_subscribers')
      .select('email')
      .where('kind', '=', 'webhook')
      .execute();
    expect(rows).toEqual([]);
  });

  it('shows addresses to members only, lets them remove subscribers, and keeps organizations apart', async () => {
    await subscribeAndConfirm('listed@example.test');
    const as = client(api.app, owner.token);
    const listed = (await as.get(`/v1/status-pages/${pageId}/subscribers?limit=200`)).json().items;
    const row = listed.find((s: { email: string }) => s.email === 'listed@example.test');
    expect(row).toMatchObject({ kind: 'email', confirmed: true, webhookUrl: null });
    const viewer = await addMemberSession(api, owner, 'viewer');
    expect(
      (await client(api.app, viewer.token).get(`/v1/status-pages/${pageId}/subscribers`)).statusCode,
    ).toBe(200);
    expectProblem(
      await client(api.app, viewer.token).delete(`/v1/status-pages/${pageId}/subscribers/${row.id}`),
      403,
    );
    const them = client(api.app, stranger.token);
    expectProblem(await them.get(`/v1/status-pages/${pageId}/subscribers`), 404);
    expectProblem(await them.delete(`/v1/status-pages/${pageId}/subscribers/${row.id}`), 404);

    const publicPage = await api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${SLUG}` });
    const history = await api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${SLUG}/history` });
    const feed = await api.app.inject({ method: 'GET', url: `/v1/public/status-pages/${SLUG}/feed.atom` });
    for (const res of [publicPage, history, feed]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('@example.test');
    }

    expect((await as.delete(`/v1/status-pages/${pageId}/subscribers/${row.id}`)).statusCode).toBe(204);
    expectProblem(await as.delete(`/v1/status-pages/${pageId}/subscribers/${row.id}`), 404);
    expectProblem(await as.delete(`/v1/status-pages/${pageId}/subscribers/not-an-id`), 404);
  });
});

describe('housekeeping', () => {
  it('forgets subscribers who never confirmed once their link expired, and old finished deliveries', async () => {
    const page = (
      await client(api.app, owner.token).post('/v1/status-pages', { slug: 'tidy', title: 'Tidy' })
    ).json().id;
    await publicPost('/v1/public/status-pages/tidy/subscribers', { email: 'late@example.test' });
    await subscribeAndConfirm('kept@example.test', 'tidy');
    await postIncident('Tidy up', page);
    await delivery().runOnce();
    const rows = () =>
      testDb.db
        .selectFrom('status_page_subscribers')
        .select('email')
        .where('status_page_id', '=', page)
        .execute();
    await pruneSubscriberRows(testDb.db, new Date());
    expect((await rows()).map((r) => r.email).sort()).toEqual(['kept@example.test', 'late@example.test']);
    await pruneSubscriberRows(testDb.db, new Date(Date.now() + 49 * 3_600_000));
    expect((await rows()).map((r) => r.email)).toEqual(['kept@example.test']);
    const sent = () =>
      testDb.db
        .selectFrom('status_page_deliveries')
        .select('id')
        .where('status_page_id', '=', page)
        .execute();
    expect(await sent()).toHaveLength(1);
    await pruneSubscriberRows(testDb.db, new Date(Date.now() + 31 * 86_400_000));
    expect(await sent()).toHaveLength(0);
  });
});

describe('webhook subscribers', () => {
  it('signs each announcement with the secret shown once, with the delivery id as idempotency key; retries failures', async () => {
    const page = (
      await client(api.app, owner.token).post('/v1/status-pages', { slug: 'hooks', title: 'Hooks' })
    ).json().id;
    const res = await publicPost(
      '/v1/public/status-pages/hooks/subscribers',
      { webhookUrl: receiver.url('/hook') },
      privateApi,
    );
    expect(res.statusCode).toBe(201);
    const { id, secret, status } = res.json();
    expect(status).toBe('subscribed');
    expect(secret).toMatch(/^whsec_/);
    secrets['/hook'] = secret;
    const stored = await testDb.db
      .selectFrom('status_page_subscribers')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(secret);
    const listed = (await client(api.app, owner.token).get(`/v1/status-pages/${page}/subscribers`)).json()
      .items;
    expect(JSON.stringify(listed)).not.toContain(secret);

    receiver.script('/hook', [503]);
    const incident = await postIncident('Webhooks wobble', page);
    const sender = delivery({}, privateApi);
    expect(await sender.runOnce()).toMatchObject({ retry: 1, sent: 0 });
    expect(await sender.runOnce()).toMatchObject({ sent: 1 });
    const [failed, delivered] = receiver.at('/hook');
    expect(delivered?.signatureValid).toBe(true);
    expect(delivered?.headers['idempotency-key']).toBe(failed?.headers['idempotency-key']);
    expect(delivered?.body).toMatchObject({
      id: delivered?.headers['idempotency-key'],
      type: 'incident.created',
      subjectId: incident,
      title: 'Investigating: Webhooks wobble',
      body: 'Webhooks wobble started',
      statusPage: { slug: 'hooks', title: 'Hooks' },
    });

    // A receiver that says the hook is gone (4xx) fails the delivery for good.
    receiver.script('/hook', [410]);
    await postUpdate(incident, 'resolved', 'Fine again', page);
    expect(await sender.runOnce()).toMatchObject({ failed: 1 });
    expect(await sender.runOnce()).toMatchObject({ sent: 0, failed: 0, retry: 0 });
  });
});

describe('delivery', () => {
  async function pageWithSubscribers(slug: string, count: number) {
    const page = (await client(api.app, owner.token).post('/v1/status-pages', { slug, title: slug })).json()
      .id;
    const addresses = Array.from({ length: count }, (_, i) => `${slug}-${i}@example.test`);
    await testDb.db
      .insertInto('status_page_subscribers')
      .values(
        addresses.map((email) => ({
          org_id: owner.orgId,
          status_page_id: page,
          kind: 'email' as const,
          email,
          confirmed_at: new Date(),
        })),
      )
      .execute();
    return { page, addresses };
  }

  const announcement = (page: string, subjectId: string, occurrenceKey: string) => ({
    orgId: owner.orgId,
    statusPageIds: [page],
    kind: 'incident.updated' as const,
    subjectId,
    occurrenceKey,
    title: `Update ${occurrenceKey}`,
    body: 'Body',
    at: new Date(),
  });

  it('announcing the same thing twice queues it once per subscriber', async () => {
    const { page } = await pageWithSubscribers('twice', 3);
    const subject = '00000000-0000-4000-8000-000000000001';
    await announce(testDb.db, announcement(page, subject, 'a'));
    await announce(testDb.db, announcement(page, subject, 'a'));
    await announce(testDb.db, announcement(page, subject, 'b'));
    const rows = await testDb.db
      .selectFrom('status_page_deliveries')
      .select('occurrence_key')
      .where('status_page_id', '=', page)
      .execute();
    expect(rows.filter((r) => r.occurrence_key === 'a')).toHaveLength(3);
    expect(rows.filter((r) => r.occurrence_key === 'b')).toHaveLength(3);
  });

  it("announces scheduled maintenance of a page's monitors once per occurrence time, and not past windows", async () => {
    const { page } = await pageWithSubscribers('maint', 2);
    const as = client(api.app, owner.token);
    const monitor = (
      await as.post('/v1/monitors', { type: 'http', name: 'Shown', url: 'https://example.com/' })
    ).json().id as string;
    const hidden = (
      await as.post('/v1/monitors', { type: 'http', name: 'Not shown', url: 'https://example.com/x' })
    ).json().id as string;
    expect((await as.patch(`/v1/status-pages/${page}`, { monitorIds: [monitor] })).statusCode).toBe(200);
    const maintenanceRows = () =>
      testDb.db
        .selectFrom('status_page_deliveries')
        .select(['occurrence_key', 'title'])
        .where('status_page_id', '=', page)
        .where('kind', '=', 'maintenance.scheduled')
        .execute();
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

    const elsewhere = await as.post('/v1/maintenance-windows', {
      name: 'Other monitor',
      monitorIds: [hidden],
      startsAt: at(2),
      endsAt: at(3),
    });
    expect(elsewhere.statusCode).toBe(201);
    const past = await as.post('/v1/maintenance-windows', {
      name: 'Already over',
      monitorIds: [monitor],
      startsAt: at(-3),
      endsAt: at(-2),
    });
    expect(past.statusCode).toBe(201);
    expect(await maintenanceRows()).toEqual([]);

    const created = await as.post('/v1/maintenance-windows', {
      name: 'Database upgrade',
      monitorIds: [monitor],
      startsAt: at(2),
      endsAt: at(3),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await as.patch(`/v1/maintenance-windows/${id}`, { name: 'Database upgrade' })).statusCode).toBe(
      200,
    );
    const first = await maintenanceRows();
    expect(first).toHaveLength(2);
    expect(first[0]?.title).toBe('Scheduled maintenance: Database upgrade');

    const moved = await as.patch(`/v1/maintenance-windows/${id}`, { startsAt: at(4), endsAt: at(5) });
    expect(moved.statusCode).toBe(200);
    expect(new Set((await maintenanceRows()).map((r) => r.occurrence_key)).size).toBe(2);
    expect(await maintenanceRows()).toHaveLength(4);
  });

  it('sends exactly once across a sender that crashed after claiming, and across two senders at once', async () => {
    const { page, addresses } = await pageWithSubscribers('crash', 20);
    await announce(testDb.db, announcement(page, '00000000-0000-4000-8000-000000000002', 'x'));
    // A sender claims everything and dies before sending: its lease keeps the rows from others meanwhile.
    const crashed = delivery({ leaseMs: 1_000 });
    expect((await crashed.claim()).filter((row) => row.slug === 'crash')).toHaveLength(20);
    const a = delivery();
    const b = delivery();
    expect(await a.runOnce()).toMatchObject({ sent: 0 });
    await waitFor(async () => {
      await Promise.all([a.runOnce(), b.runOnce()]);
      const left = (await pending()).filter((d) => d.status_page_id === page);
      if (left.length > 0) throw new Error(`${left.length} still pending`);
    });
    for (const address of addresses) {
      expect(mailsTo(address).filter((m) => m.subject === '[crash] Update x')).toHaveLength(1);
    }
  });

  it('paces a burst: one message per subscriber per gap, and a budget per page per minute', async () => {
    const { page, addresses } = await pageWithSubscribers('burst', 5);
    const subject = '00000000-0000-4000-8000-000000000003';
    for (const key of ['1', '2', '3']) await announce(testDb.db, announcement(page, subject, key));
    const sender = delivery({ subscriberGapMs: 60_000, pagePerMinute: 3 });
    expect(await sender.runOnce()).toMatchObject({ sent: 3 });
    // The page's budget is spent for this minute, and each subscriber that got one waits a gap.
    expect(await sender.runOnce()).toMatchObject({ sent: 0 });
    const generous = delivery({ subscriberGapMs: 60_000, pagePerMinute: 100 });
    expect(await generous.runOnce()).toMatchObject({ sent: 2 });
    expect(await generous.runOnce()).toMatchObject({ sent: 0 });
    // In order per subscriber: each got update 1 first, and nothing else yet.
    for (const address of addresses) {
      expect(mailsTo(address).map((m) => m.subject)).toEqual(['[burst] Update 1']);
    }
    expect((await pending()).filter((d) => d.status_page_id === page)).toHaveLength(10);
  });
});
