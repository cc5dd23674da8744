import { describe, expect, it } from 'vitest';
import { addMemberSession, type client } from '../../../apps/api/test/helpers';
import { onlyAdoptions, useCliHarness } from './harness';

/** `${NAME}`, as a file writes a reference. */
const ref = (name: string) => `\${${name}}`;

const SECRETS = {
  SLACK_URL: 'https://hooks.slack.com/services/T0/B0/secret',
  CHECKOUT_TOKEN: 'Bearer checkout-token-1',
};
const h = useCliHarness(SECRETS);

type As = ReturnType<typeof client>;

/** An organization with a second member, both named by email in the file. */
async function team() {
  const org = await h.organization('Oncall');
  const second = await addMemberSession(h.api(), org.owner, 'member');
  return { ...org, second };
}

const policyStep = (wait = 10) => `      - waitMinutes: ${wait}
        targets: [ { channel: ops-slack }, { rotation: primary } ]`;

/** Checkout depends on the database, declared after it: parents are linked once both exist. */
const FILE = (emails: string[], o: { wait?: number; oncall?: boolean } = {}) => {
  const oncall = o.oncall ?? true;
  return `version: 1
channels:
  - key: ops-slack
    name: Ops Slack
    type: slack
    config: { webhookUrl: "\${SLACK_URL}" }
${
  oncall
    ? `oncallRotations:
  - key: primary
    name: Primary
    cadence: weekly
    handoffTime: "09:00"
    handoffWeekday: 1
    timeZone: Europe/Berlin
    startsAt: "2026-01-05T08:00:00Z"
    members: [${emails.join(', ')}]
escalationPolicies:
  - key: default
    name: Default
    steps:
${policyStep(o.wait)}
      - waitMinutes: 30
        targets: [ { member: ${emails[0]} } ]
    reminderMinutes: 60
groups:
  - key: shop
    name: Shop
    alertAsOne: true
`
    : ''
}monitors:
  - key: checkout
    name: Checkout API
    type: http
    url: https://shop.example.com/health
    headers: { Authorization: "\${CHECKOUT_TOKEN}" }
    channels: [ops-slack]
${oncall ? '    group: shop\n    escalationPolicy: default\n' : ''}    dependsOn: { monitors: [db] }
  - key: db
    name: Database port
    type: tcp
    host: db.example.com
    port: 5432
${oncall ? '  - key: storefront\n    name: Storefront\n    type: http\n    url: https://shop.example.com/\n    dependsOn: { groups: [shop] }\n' : ''}`;
};

const one = async (as: As, path: string) => (await as.get(path)).json().items[0];

describe('escalation policies, rotations and groups in the file', () => {
  it('applies them by key and email, with parents declared later, after which plan has nothing to change', async () => {
    const { as, key, owner, second } = await team();
    const file = await h.yamlFile(FILE([owner.email, second.email]));
    const applied = await h.cli(key, ['apply', '-f', file, '--json']);
    expect(applied.code, applied.out).toBe(0);
    expect(applied.json().changes.map((c: { kind: string; key: string }) => `${c.kind}:${c.key}`)).toEqual([
      'channels:ops-slack',
      'oncallRotations:primary',
      'escalationPolicies:default',
      'groups:shop',
      'monitors:checkout',
      'monitors:db',
      'monitors:storefront',
    ]);
    const again = await h.cli(key, ['plan', '-f', file]);
    expect(again.out).toContain('No changes');
    expect(again.code).toBe(0);

    const channel = await one(as, '/v1/channels?key=ops-slack');
    const rotation = await one(as, '/v1/oncall-rotations?key=primary');
    const policy = await one(as, '/v1/escalation-policies?key=default');
    const group = await one(as, '/v1/monitor-groups?key=shop');
    const checkout = await one(as, '/v1/monitors?key=checkout');
    const db = await one(as, '/v1/monitors?key=db');
    const storefront = await one(as, '/v1/monitors?key=storefront');
    expect(rotation).toMatchObject({ managed: true, memberIds: [owner.userId, second.userId] });
    expect(policy).toMatchObject({
      managed: true,
      reminderMinutes: 60,
      steps: [
        {
          waitMinutes: 10,
          targets: [
            { type: 'channel', channelId: channel.id },
            { type: 'rotation', rotationId: rotation.id },
          ],
        },
        { waitMinutes: 30, targets: [{ type: 'member', userId: owner.userId }] },
      ],
    });
    expect(group).toMatchObject({ managed: true, alertAsOne: true, monitorIds: [checkout.id] });
    expect(checkout).toMatchObject({
      groupId: group.id,
      escalationPolicyId: policy.id,
      dependsOn: { monitorIds: [db.id], groupIds: [] },
      headers: { Authorization: '********' },
    });
    expect(storefront.dependsOn).toEqual({ monitorIds: [], groupIds: [group.id] });
  });

  it('keeps a handoff time written with :00 seconds as no change, plans seconds as one, and exports them back', async () => {
    const { as, key, owner } = await h.organization('Seconds');
    const rotationFile = (handoffTime: string) =>
      h.yamlFile(`version: 1
oncallRotations:
  - key: primary
    name: Primary
    cadence: daily
    handoffTime: "${handoffTime}"
    timeZone: UTC
    startsAt: "2026-01-05T08:00:00Z"
    members: [${owner.email}]
`);
    const whole = await rotationFile('09:00:00');
    expect((await h.cli(key, ['apply', '-f', whole])).code).toBe(0);
    expect((await one(as, '/v1/oncall-rotations?key=primary')).handoffTime).toBe('09:00');
    expect((await h.cli(key, ['plan', '-f', whole])).code).toBe(0);
    expect((await h.cli(key, ['plan', '-f', await rotationFile('09:00')])).code).toBe(0);

    const seconds = await rotationFile('09:00:30');
    const plan = await h.cli(key, ['plan', '-f', seconds, '--json']);
    expect(plan.code).toBe(2);
    expect(plan.json().changes).toEqual([
      expect.objectContaining({
        key: 'primary',
        action: 'update',
        fields: [{ field: 'handoffTime', before: '09:00', after: '09:00:30' }],
      }),
    ]);
    expect((await h.cli(key, ['apply', '-f', seconds])).code).toBe(0);
    expect((await h.cli(key, ['plan', '-f', seconds])).code).toBe(0);

    const exported = h.path('seconds-export.yaml');
    expect((await h.cli(key, ['export', '-o', exported])).code).toBe(0);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(exported, 'utf8')).toContain('handoffTime: 09:00:30');
    expect((await h.cli(key, ['plan', '-f', exported])).code).toBe(0);
  });

  it('plans and applies exactly a changed step', async () => {
    const { as, key, owner, second } = await team();
    const emails = [owner.email, second.email];
    await h.cli(key, ['apply', '-f', await h.yamlFile(FILE(emails))]);
    const before = await one(as, '/v1/escalation-policies?key=default');
    const changed = await h.yamlFile(FILE(emails, { wait: 15 }));
    const plan = await h.cli(key, ['plan', '-f', changed, '--json']);
    expect(plan.code).toBe(2);
    const targets = [{ channel: 'ops-slack' }, { rotation: 'primary' }];
    const last = { waitMinutes: 30, targets: [{ member: owner.email }] };
    expect(plan.json().changes).toEqual([
      expect.objectContaining({
        kind: 'escalationPolicies',
        key: 'default',
        action: 'update',
        id: before.id,
        fields: [
          {
            field: 'steps',
            before: [{ waitMinutes: 10, targets }, last],
            after: [{ waitMinutes: 15, targets }, last],
          },
        ],
      }),
    ]);
    expect((await h.cli(key, ['apply', '-f', changed])).code).toBe(0);
    const after = await one(as, '/v1/escalation-policies?key=default');
    expect(after.id).toBe(before.id);
    expect(after.steps.map((s: { waitMinutes: number }) => s.waitMinutes)).toEqual([15, 30]);
    expect(after.steps[0].targets).toEqual(before.steps[0].targets);
    expect((await h.cli(key, ['plan', '-f', changed])).code).toBe(0);
  });

  it('--prune deletes the managed policy, rotation and group the file dropped, and none made in the dashboard', async () => {
    const { as, key, owner, second } = await team();
    const emails = [owner.email, second.email];
    await h.cli(key, ['apply', '-f', await h.yamlFile(FILE(emails))]);
    const handmade = (await as.post('/v1/monitor-groups', { name: 'Made by hand' })).json();
    const smaller = await h.yamlFile(FILE(emails, { oncall: false }));
    const pruned = await h.cli(key, ['apply', '-f', smaller, '--prune', '--json']);
    expect(pruned.code, pruned.out).toBe(0);
    const deletes = pruned
      .json()
      .changes.filter((c: { action: string }) => c.action === 'delete')
      .map((c: { kind: string; key: string }) => `${c.kind}:${c.key}`);
    expect(deletes).toEqual([
      'monitors:storefront',
      'groups:shop',
      'escalationPolicies:default',
      'oncallRotations:primary',
    ]);
    expect((await as.get('/v1/monitor-groups')).json().items.map((g: { id: string }) => g.id)).toEqual([
      handmade.id,
    ]);
    expect((await as.get('/v1/escalation-policies')).json().items).toEqual([]);
    expect((await as.get('/v1/oncall-rotations')).json().items).toEqual([]);
    const checkout = await one(as, '/v1/monitors?key=checkout');
    expect(checkout).toMatchObject({ groupId: null, escalationPolicyId: null });
    expect((await h.cli(key, ['plan', '-f', smaller, '--prune'])).code).toBe(0);
  });

  it('a file naming an unknown key or a stranger gets line-numbered errors, and nothing changes', async () => {
    const { as, key, owner, second } = await team();
    const text = FILE([owner.email, second.email])
      .replace('escalationPolicy: default', 'escalationPolicy: nope')
      .replace('{ rotation: primary }', '{ rotation: missing }');
    const bad = await h.yamlFile(text);
    const result = await h.cli(key, ['apply', '-f', bad]);
    expect(result.code).toBe(1);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(result.err).toContain(
      `${bad}:${lineOf('escalationPolicy: nope')}: monitors.0.escalationPolicy: no escalationPolicies entry has the key "nope"`,
    );
    expect(result.err).toContain(
      `${bad}:${lineOf('rotation: missing')}: escalationPolicies.0.steps.0.targets.1.rotation: no oncallRotations entry has the key "missing"`,
    );
    const stranger = await h.yamlFile(FILE([owner.email, 'nobody@example.com']));
    const refused = await h.cli(key, ['apply', '-f', stranger]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      `${stranger}:${lineOf('members: [')}: oncallRotations.0.members.1: no member of this organization has the email nobody@example.com`,
    );
    for (const path of ['/v1/monitors', '/v1/channels', '/v1/escalation-policies', '/v1/oncall-rotations']) {
      expect((await as.get(path)).json().items).toEqual([]);
    }
  });
});

describe('monitor secrets as environment references', () => {
  it('plans no change while the reference holds the stored value, and a secret change when it does not', async () => {
    const { key, owner, second } = await team();
    const file = await h.yamlFile(FILE([owner.email, second.email]));
    expect((await h.cli(key, ['apply', '-f', file])).code).toBe(0);
    expect((await h.cli(key, ['plan', '-f', file])).code).toBe(0);
    const rotated = await h.cli(key, ['plan', '-f', file, '--json'], { CHECKOUT_TOKEN: 'Bearer rotated' });
    expect(rotated.code).toBe(2);
    expect(rotated.json().changes).toEqual([
      expect.objectContaining({ key: 'checkout', fields: [{ field: 'headers', secret: true }] }),
    ]);
    expect(rotated.out).not.toContain('rotated');
  });

  it('exports secrets as named references, never masks, and the export applies back unchanged', async () => {
    const { as, key } = await h.organization('Secrets');
    const made = await as.post('/v1/monitors', {
      type: 'http',
      name: 'Partner API',
      url: 'https://api.example.com/v1/ping?api_key=k-123&region=eu',
      headers: { Authorization: 'Bearer partner-1', Accept: 'application/json' },
    });
    expect(made.statusCode).toBe(201);
    const db = await as.post('/v1/monitors', {
      type: 'postgres',
      name: 'Orders DB',
      host: 'db.example.com',
      port: 5432,
      username: 'monitor',
      password: 'pg-secret',
      database: 'orders',
    });
    expect(db.statusCode, db.body).toBe(201);
    const path = h.path('export.yaml');
    const exported = await h.cli(key, ['export', '-o', path, '--json']);
    expect(exported.code).toBe(0);
    const variables = exported.json().variables as string[];
    expect(variables).toEqual([
      'MONITOR_PARTNER_API_URL_API_KEY',
      'MONITOR_PARTNER_API_HEADERS_AUTHORIZATION',
      'MONITOR_ORDERS_DB_PASSWORD',
    ]);
    const { readFile } = await import('node:fs/promises');
    const yaml = await readFile(path, 'utf8');
    expect(yaml).not.toContain('********');
    expect(yaml).toContain(`api_key=${ref('MONITOR_PARTNER_API_URL_API_KEY')}&region=eu`);
    const env = {
      MONITOR_PARTNER_API_URL_API_KEY: 'k-123',
      MONITOR_PARTNER_API_HEADERS_AUTHORIZATION: 'Bearer partner-1',
      MONITOR_ORDERS_DB_PASSWORD: 'pg-secret',
    };
    const applied = await h.cli(key, ['apply', '-f', path, '--json'], env);
    expect(applied.code, applied.out).toBe(0);
    expect(onlyAdoptions(applied.json().changes)).toBe(true);
    expect((await h.cli(key, ['plan', '-f', path], env)).code).toBe(0);
    const wrong = await h.cli(key, ['plan', '-f', path, '--json'], {
      ...env,
      MONITOR_ORDERS_DB_PASSWORD: 'x',
    });
    expect(wrong.json().changes).toEqual([
      expect.objectContaining({ key: 'orders-db', fields: [{ field: 'password', secret: true }] }),
    ]);
  });
});
