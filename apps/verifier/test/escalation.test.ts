import { randomUUID } from 'node:crypto';
import { SecretBox } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, createOrg, TEST_SECRETS_KEY } from './fixtures';
import { MINUTE_MS, type ProcessStack, startProcessStack } from './process-stack';
import { type Receiver, startReceiver } from './receiver';
import { waitFor } from './scenario';

const hookSecret = `whsec_${randomUUID()}`;
const paths = ['/first', '/second', '/third'];

let stack: ProcessStack;
let tdb: ProcessStack['tdb'];
let hooks: Receiver;
let apiUrl: string;
const box = new SecretBox(TEST_SECRETS_KEY);

beforeAll(async () => {
  stack = await startProcessStack();
  ({ tdb, apiUrl } = stack);
  hooks = await startReceiver(Object.fromEntries(paths.map((p) => [p, hookSecret])));
}, 90_000);

afterAll(async () => {
  await hooks?.close();
  await stack?.close();
});

const startVerifier = () => stack.startVerifier();
const goDown = (orgId: string, monitorId: string) => stack.goDown(orgId, monitorId);
const databasePassed = (at: Date, what: string) => stack.databasePassed(at, what);

async function webhookChannel(orgId: string, path: string): Promise<string> {
  const row = await tdb.db
    .insertInto('channels')
    .values({
      org_id: orgId,
      type: 'webhook',
      name: `hook ${path}`,
      config: JSON.stringify({ url: hooks.url(path) }),
      secrets: box.seal({ secret: hookSecret }),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A monitor on a policy whose step i notifies `steps[i]` (channel ids) and waits `waitMinutes`. */
async function monitorWithPolicy(
  orgId: string,
  steps: { channelId: string; waitMinutes: number }[],
  options: { repeat?: number; reminderMinutes?: number | null } = {},
): Promise<string> {
  const policy = await tdb.db
    .insertInto('escalation_policies')
    .values({
      org_id: orgId,
      name: 'on call',
      repeat: options.repeat ?? 0,
      reminder_minutes: options.reminderMinutes ?? null,
      steps: JSON.stringify(
        steps.map((s) => ({
          waitMinutes: s.waitMinutes,
          targets: [{ type: 'channel', channelId: s.channelId }],
        })),
      ),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const monitorId = await createMonitor(tdb.db, orgId, { intervalSeconds: 10 });
  await tdb.db
    .updateTable('monitors')
    .set({ escalation_policy_id: policy.id })
    .where('id', '=', monitorId)
    .execute();
  return monitorId;
}

const received = (path: string, event: string) =>
  hooks.at(path).filter((hit) => hit.body.event === event && hit.body.monitor !== undefined);
const ofMonitor = (path: string, event: string, monitorId: string) =>
  received(path, event).filter((hit) => (hit.body.monitor as { id: string }).id === monitorId);

async function incidentOf(monitorId: string) {
  return tdb.db
    .selectFrom('incidents')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .executeTakeFirstOrThrow();
}

describe('escalation policies, reminders and acknowledge links, with a real verifier and API', () => {
  it('a two-step policy escalates after its wait, then stops when acknowledged through the link', async () => {
    const verifier = startVerifier();
    await verifier.listeningPort(60_000);
    const orgId = await createOrg(tdb.db);
    const first = await webhookChannel(orgId, '/first');
    const second = await webhookChannel(orgId, '/second');
    const monitorId = await monitorWithPolicy(
      orgId,
      [
        { channelId: first, waitMinutes: 2 },
        { channelId: second, waitMinutes: 2 },
      ],
      { repeat: 1 },
    );
    await goDown(orgId, monitorId);
    await waitFor(() => ofMonitor('/first', 'monitor.down', monitorId).length === 1, 20_000, 'step 0');
    await waitFor(() => ofMonitor('/second', 'monitor.down', monitorId).length === 1, 20_000, 'step 1');
    // Step 1 was written step 0's two policy minutes after step 0, on the database's clock.
    const written = await tdb.db
      .selectFrom('alerts')
      .select(['channel_id', 'created_at'])
      .where('monitor_id', '=', monitorId)
      .where('event', '=', 'monitor.down')
      .orderBy('created_at')
      .execute();
    expect(written.map((a) => a.channel_id)).toEqual([first, second]);
    const [stepZero, stepOneRow] = written.map((a) => a.created_at.getTime());
    expect((stepOneRow ?? 0) - (stepZero ?? 0)).toBeGreaterThanOrEqual(2 * MINUTE_MS);
    const [stepOne] = ofMonitor('/second', 'monitor.down', monitorId);
    const ackUrl = stepOne?.body.ackUrl as string;
    expect(ackUrl).toMatch(new RegExp(`^${apiUrl}/v1/ack/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(ofMonitor('/first', 'monitor.down', monitorId)[0]?.body.ackUrl).not.toBe(ackUrl);

    // Opening the link (a preview bot, a mail scanner) only shows a page with a button.
    const page = await fetch(ackUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(
      '<form method="post"><button type="submit">Acknowledge</button></form>',
    );
    expect((await incidentOf(monitorId)).acknowledged_at).toBeNull();
    // Altered, it is refused.
    expect((await fetch(`${ackUrl.slice(0, -2)}xx`, { method: 'POST' })).status).toBe(404);
    expect((await incidentOf(monitorId)).acknowledged_at).toBeNull();

    const posted = await fetch(ackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('acknowledged by hook /second');
    const incident = await incidentOf(monitorId);
    expect(incident).toMatchObject({
      acknowledged_by: null,
      acknowledged_by_channel: second,
      acknowledged_by_name: 'hook /second',
      acknowledged_by_link: true,
    });
    // Both channels alerted hear who acknowledged.
    await waitFor(
      () =>
        ofMonitor('/first', 'incident.acknowledged', monitorId).length === 1 &&
        ofMonitor('/second', 'incident.acknowledged', monitorId).length === 1,
      20_000,
      'the acknowledgement alerts',
    );
    // Round 1 of step 0 was due two minutes after step 1: once that has passed, nothing more came.
    const due = incident.escalation_next_at as Date;
    await databasePassed(new Date(due.getTime() + 5 * 100 + 500), 'the next step to have been due');
    expect(ofMonitor('/first', 'monitor.down', monitorId)).toHaveLength(1);
    expect(ofMonitor('/second', 'monitor.down', monitorId)).toHaveLength(1);
    verifier.child.kill('SIGTERM');
    await verifier.exited;
  }, 90_000);

  it('reminders go out while the incident is unacknowledged, and stop once it is acknowledged', async () => {
    const verifier = startVerifier();
    await verifier.listeningPort(60_000);
    const orgId = await createOrg(tdb.db);
    const channel = await webhookChannel(orgId, '/third');
    const monitorId = await monitorWithPolicy(orgId, [{ channelId: channel, waitMinutes: 30 }], {
      reminderMinutes: 1,
    });
    await goDown(orgId, monitorId);
    await waitFor(
      () => ofMonitor('/third', 'monitor.still_down', monitorId).length >= 2,
      20_000,
      'two reminders',
    );
    const reminders = ofMonitor('/third', 'monitor.still_down', monitorId);
    expect(reminders[0]?.body.ackUrl).toMatch(/\/v1\/ack\//);
    const [down] = ofMonitor('/third', 'monitor.down', monitorId);
    const ack = await fetch(down?.body.ackUrl as string, { method: 'POST' });
    expect(ack.status, await ack.text()).toBe(200);
    const incident = await incidentOf(monitorId);
    const reminderRows = () =>
      tdb.db
        .selectFrom('alerts')
        .select(['id'])
        .where('monitor_id', '=', monitorId)
        .where('event', '=', 'monitor.still_down')
        .execute();
    const written = (await reminderRows()).length;
    // Three reminder intervals later, none more was written or delivered.
    await databasePassed(
      new Date((incident.acknowledged_at as Date).getTime() + 3 * MINUTE_MS),
      'three intervals',
    );
    expect(await reminderRows()).toHaveLength(written);
    await waitFor(
      () =>
        new Set(ofMonitor('/third', 'monitor.still_down', monitorId).map((hit) => hit.body.id)).size ===
        written,
      20_000,
      'the reminders written before the acknowledgement to arrive',
    );
    const rows = await tdb.db
      .selectFrom('alerts')
      .select(['dedup_key'])
      .where('monitor_id', '=', monitorId)
      .where('event', '=', 'monitor.still_down')
      .orderBy('created_at')
      .execute();
    expect(rows.map((r) => r.dedup_key)).toEqual(
      Array.from({ length: rows.length }, (_, i) => `${incident.id}:reminder:${i + 1}`),
    );
    verifier.child.kill('SIGTERM');
    await verifier.exited;
  }, 90_000);

  it('a verifier SIGKILLed between two escalation steps: every step is sent exactly once', async () => {
    const orgId = await createOrg(tdb.db);
    const channels = [];
    for (const path of paths) channels.push(await webhookChannel(orgId, path));
    const monitorId = await monitorWithPolicy(
      orgId,
      channels.map((channelId) => ({ channelId, waitMinutes: 3 })),
    );
    const first = startVerifier();
    await first.listeningPort(60_000);
    await goDown(orgId, monitorId);
    await waitFor(() => ofMonitor('/first', 'monitor.down', monitorId).length === 1, 20_000, 'step 0');
    first.child.kill('SIGKILL');
    await first.exited;
    // Step 1 falls due while no verifier runs.
    const incident = await incidentOf(monitorId);
    await databasePassed(incident.escalation_next_at as Date, 'step 1 to fall due');
    const second = startVerifier();
    await second.listeningPort(60_000);
    await waitFor(() => ofMonitor('/second', 'monitor.down', monitorId).length === 1, 20_000, 'step 1');
    second.child.kill('SIGKILL');
    await second.exited;
    const third = startVerifier();
    await third.listeningPort(60_000);
    await waitFor(() => ofMonitor('/third', 'monitor.down', monitorId).length === 1, 20_000, 'step 2');
    await waitFor(
      async () =>
        (
          await tdb.db.selectFrom('alerts').select('status').where('monitor_id', '=', monitorId).execute()
        ).every((a) => a.status === 'sent'),
      20_000,
      'every alert to be sent',
    );
    // Past the end of the policy: the climb is over.
    expect((await incidentOf(monitorId)).escalation_next_at).toBeNull();
    third.child.kill('SIGTERM');
    await third.exited;

    const alerts = await tdb.db
      .selectFrom('alerts')
      .select(['id', 'channel_id', 'dedup_key'])
      .where('monitor_id', '=', monitorId)
      .orderBy('created_at')
      .execute();
    expect(alerts.map((a) => [a.channel_id, a.dedup_key])).toEqual(
      channels.map((channelId, step) => [channelId, `${incident.id}:step:0:${step}`]),
    );
    // One alert per step, each reaching its channel under its one id (a delivery cut short by the
    // kill is made again with the same id, the receiver's idempotency key).
    for (const [step, path] of paths.entries()) {
      const hits = ofMonitor(path, 'monitor.down', monitorId);
      expect(new Set(hits.map((hit) => hit.body.id))).toEqual(new Set([alerts[step]?.id]));
    }
  }, 120_000);
});
