import { createHmac } from 'node:crypto';
import type { Role } from '@sentinelmesh/core';
import type { TestDatabase } from '@sentinelmesh/db/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
  client,
  createTestDatabase,
  httpMonitor,
  invite,
  type Session,
  signupUser,
  startApi,
  type TestApi,
} from './helpers';

/**
 * Every org-scoped route × two organizations × every role (as access tokens and as API keys):
 * enough role → success in its own organization; too low → 403; another organization's object → 404
 * (or 403 when the role is too low for that route anyway, which says nothing about the object).
 */

const roles: Role[] = ['viewer', 'member', 'admin', 'owner'];
const rank = (r: Role) => roles.indexOf(r);

let testDb: TestDatabase;
let api: TestApi;
let ownerA: Session;
let ownerB: Session;
let seq = 0;

interface Principal {
  label: string;
  org: 'A' | 'B';
  role: Role;
  token: string;
}
const principals: Principal[] = [];
const ids: Record<string, string> = {};
/** The slot of the screenshot stored for the monitor of organization A. */
const SHOT_AT = '2026-01-01T00:00:00.000Z';

const asOwnerA = () => client(api.app, ownerA.token);
const created = async (url: string, body: unknown) => {
  const res = await asOwnerA().post(url, body);
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
const fresh = {
  monitor: () => created('/v1/monitors', httpMonitor()),
  channel: () =>
    created('/v1/channels', {
      type: 'webhook',
      name: 'hook',
      config: { url: 'https://hooks.example.com/x' },
    }),
  statusPage: () => created('/v1/status-pages', { slug: `page-${++seq}`, title: 'Status' }),
  window: () =>
    created('/v1/maintenance-windows', {
      name: 'upgrade',
      monitorIds: [ids.monitor],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    }),
  apiKey: () => created('/v1/api-keys', { name: `k${++seq}`, role: 'viewer' }),
  policy: () =>
    created('/v1/escalation-policies', {
      name: `p${++seq}`,
      steps: [{ waitMinutes: 5, targets: [{ type: 'channel', channelId: ids.channel }] }],
    }),
  member: async () => (await addMemberSession(api, ownerA, 'viewer')).userId,
  invitation: () => created('/v1/members', { email: `invited${++seq}@example.com`, role: 'viewer' }),
  location: () => created('/v1/locations', { name: `site ${++seq}` }),
  group: () => created('/v1/monitor-groups', { name: `group ${++seq}` }),
  probe: () => created(`/v1/locations/${ids.location}/probes`, { name: `probe ${++seq}` }),
  rotation: () => created('/v1/oncall-rotations', rotationBody()),
  override: () => created(`/v1/oncall-rotations/${ids.rotation}/overrides`, overrideBody()),
  pageIncident: () => created(`/v1/status-pages/${ids.statusPage}/incidents`, pageIncidentBody()),
  subscriber: async () =>
    (
      await testDb.db
        .insertInto('status_page_subscribers')
        .values({
          org_id: ownerA.orgId,
          status_page_id: ids.statusPage as string,
          kind: 'email',
          email: `reader${++seq}@example.com`,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  /** A resolved automatic incident (any number may exist), to promote once. */
  automaticIncident: async () =>
    (
      await testDb.db
        .insertInto('incidents')
        .values({
          org_id: ownerA.orgId,
          monitor_id: ids.monitor as string,
          status: 'resolved',
          opened_at: new Date(),
          resolved_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  subscription: () =>
    created('/v1/report-subscriptions', { scope: 'organization', recipients: ['cfo@example.com'] }),
};
function pageIncidentBody() {
  return { title: `outage ${++seq}`, impact: 'degraded', message: 'looking' };
}
function rotationBody() {
  return {
    name: `rota ${++seq}`,
    cadence: 'daily',
    handoffTime: '09:00',
    timeZone: 'Europe/Berlin',
    startsAt: '2026-01-01T08:00:00Z',
    memberIds: [ownerA.userId],
  };
}
function overrideBody() {
  return { userId: ownerA.userId, startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-02-02T00:00:00Z' };
}

interface Route {
  method: InjectOptions['method'];
  path: string;
  min: Role;
  ok: number;
  /** The URL for one attempt (a fresh object for routes that destroy it). */
  url: () => Promise<string> | string;
  body?: () => Promise<unknown> | unknown;
  /** Acts on one object of organization A (so another organization must get 404). */
  object: boolean;
}

const route = (
  method: InjectOptions['method'],
  path: string,
  min: Role,
  ok: number,
  url: Route['url'],
  body?: Route['body'],
): Route => ({ method, path, min, ok, url, body, object: path.includes(':') });

const routes: Route[] = [
  route('GET', '/v1/me', 'viewer', 200, () => '/v1/me'),
  route('GET', '/v1/members', 'viewer', 200, () => '/v1/members'),
  route(
    'POST',
    '/v1/members',
    'admin',
    201,
    () => '/v1/members',
    () => ({ email: `joiner${++seq}@example.com`, role: 'viewer' }),
  ),
  route('GET', '/v1/invitations', 'admin', 200, () => '/v1/invitations'),
  route(
    'DELETE',
    '/v1/invitations/:id',
    'admin',
    204,
    async () => `/v1/invitations/${await fresh.invitation()}`,
  ),
  route(
    'PATCH',
    '/v1/members/:userId',
    'admin',
    200,
    async () => `/v1/members/${await fresh.member()}`,
    () => ({ role: 'member' }),
  ),
  route('DELETE', '/v1/members/:userId', 'admin', 204, async () => `/v1/members/${await fresh.member()}`),
  route(
    'POST',
    '/v1/api-keys',
    'admin',
    201,
    () => '/v1/api-keys',
    () => ({ name: 'ci', role: 'viewer' }),
  ),
  route('GET', '/v1/api-keys', 'admin', 200, () => '/v1/api-keys'),
  route('GET', '/v1/usage', 'viewer', 200, () => '/v1/usage'),
  route('GET', '/v1/metrics', 'viewer', 200, () => '/v1/metrics'),
  route(
    'GET',
    '/v1/monitors/:id/report',
    'viewer',
    200,
    () => `/v1/monitors/${ids.monitor}/report?month=2026-01`,
  ),
  route('GET', '/v1/reports/components', 'viewer', 200, () => '/v1/reports/components'),
  route('GET', '/v1/reports/organization', 'viewer', 200, () => '/v1/reports/organization?month=2026-01'),
  route(
    'GET',
    '/v1/status-pages/:id/components/:cid/report',
    'viewer',
    200,
    () => `/v1/status-pages/${ids.statusPage}/components/${ids.component}/report?month=2026-01`,
  ),
  route(
    'POST',
    '/v1/report-subscriptions',
    'admin',
    201,
    () => '/v1/report-subscriptions',
    () => ({ scope: 'monitor', targetId: ids.monitor, recipients: ['ops@example.com'], format: 'csv' }),
  ),
  route('GET', '/v1/report-subscriptions', 'admin', 200, () => '/v1/report-subscriptions'),
  route(
    'GET',
    '/v1/report-subscriptions/:id',
    'admin',
    200,
    () => `/v1/report-subscriptions/${ids.subscription}`,
  ),
  route(
    'PATCH',
    '/v1/report-subscriptions/:id',
    'admin',
    200,
    () => `/v1/report-subscriptions/${ids.subscription}`,
    () => ({ enabled: false }),
  ),
  route(
    'DELETE',
    '/v1/report-subscriptions/:id',
    'admin',
    204,
    async () => `/v1/report-subscriptions/${await fresh.subscription()}`,
  ),
  route('GET', '/v1/incidents/export', 'viewer', 200, () => '/v1/incidents/export?from=2026-01-01T00:00:00Z'),
  route(
    'GET',
    '/v1/monitors/:id/results/export',
    'viewer',
    200,
    () => `/v1/monitors/${ids.monitor}/results/export?from=2026-01-01T00:00:00Z`,
  ),
  route('GET', '/v1/regions', 'viewer', 200, () => '/v1/regions'),
  route('GET', '/v1/locations', 'member', 200, () => '/v1/locations'),
  route(
    'POST',
    '/v1/locations',
    'admin',
    201,
    () => '/v1/locations',
    () => ({ name: `office ${++seq}`, allowPrivateTargets: true }),
  ),
  route('DELETE', '/v1/locations/:id', 'admin', 204, async () => `/v1/locations/${await fresh.location()}`),
  route(
    'POST',
    '/v1/locations/:id/probes',
    'admin',
    201,
    () => `/v1/locations/${ids.location}/probes`,
    () => ({ name: `rack ${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/locations/:id/probes/:probeId',
    'admin',
    204,
    async () => `/v1/locations/${ids.location}/probes/${await fresh.probe()}`,
  ),
  route('GET', '/v1/probes', 'member', 200, () => '/v1/probes'),
  route('DELETE', '/v1/api-keys/:id', 'admin', 204, async () => `/v1/api-keys/${await fresh.apiKey()}`),
  route(
    'POST',
    '/v1/monitors',
    'member',
    201,
    () => '/v1/monitors',
    () => httpMonitor(),
  ),
  route('GET', '/v1/monitors', 'viewer', 200, () => '/v1/monitors'),
  route('GET', '/v1/monitors/:id', 'viewer', 200, () => `/v1/monitors/${ids.monitor}`),
  route(
    'PATCH',
    '/v1/monitors/:id',
    'member',
    200,
    () => `/v1/monitors/${ids.monitor}`,
    () => ({ name: `n${++seq}` }),
  ),
  route('DELETE', '/v1/monitors/:id', 'member', 204, async () => `/v1/monitors/${await fresh.monitor()}`),
  route('GET', '/v1/monitors/:id/results', 'viewer', 200, () => `/v1/monitors/${ids.monitor}/results`),
  route(
    'GET',
    '/v1/monitors/:id/results/screenshot',
    'viewer',
    200,
    () => `/v1/monitors/${ids.monitor}/results/screenshot?scheduledAt=${SHOT_AT}&region=local`,
  ),
  route('GET', '/v1/monitors/:id/stats', 'viewer', 200, () => `/v1/monitors/${ids.monitor}/stats?window=7d`),
  route(
    'POST',
    '/v1/monitors/bulk',
    'member',
    200,
    () => '/v1/monitors/bulk',
    async () => ({ action: 'pause', ids: [await fresh.monitor()] }),
  ),
  route('POST', '/v1/monitors/:id/clone', 'member', 201, () => `/v1/monitors/${ids.monitor}/clone`),
  route('POST', '/v1/monitors/:id/check-now', 'member', 202, () => `/v1/monitors/${ids.monitor}/check-now`),
  route(
    'GET',
    '/v1/monitors/recent-checks',
    'viewer',
    200,
    () => `/v1/monitors/recent-checks?ids=${ids.monitor}`,
  ),
  route('GET', '/v1/incidents', 'viewer', 200, () => '/v1/incidents'),
  route('GET', '/v1/incidents/:id', 'viewer', 200, () => `/v1/incidents/${ids.incident}`),
  route(
    'GET',
    '/v1/incidents/:id/escalation',
    'viewer',
    200,
    () => `/v1/incidents/${ids.incident}/escalation`,
  ),
  route(
    'PATCH',
    '/v1/incidents/:id',
    'member',
    200,
    () => `/v1/incidents/${ids.incident}`,
    () => ({ note: `note ${++seq}` }),
  ),
  route(
    'POST',
    '/v1/incidents/:id/acknowledge',
    'member',
    200,
    () => `/v1/incidents/${ids.incident}/acknowledge`,
  ),
  route('GET', '/v1/alerts', 'viewer', 200, () => '/v1/alerts'),
  route(
    'POST',
    '/v1/channels',
    'member',
    201,
    () => '/v1/channels',
    () => ({
      type: 'webhook',
      name: 'hook',
      config: { url: 'https://hooks.example.com/y' },
    }),
  ),
  route('GET', '/v1/channels', 'viewer', 200, () => '/v1/channels'),
  route('GET', '/v1/channels/:id', 'viewer', 200, () => `/v1/channels/${ids.channel}`),
  route(
    'PATCH',
    '/v1/channels/:id',
    'member',
    200,
    () => `/v1/channels/${ids.channel}`,
    () => ({ name: `c${++seq}` }),
  ),
  route('DELETE', '/v1/channels/:id', 'member', 204, async () => `/v1/channels/${await fresh.channel()}`),
  route('POST', '/v1/channels/:id/test', 'member', 202, () => `/v1/channels/${ids.channel}/test`),
  route(
    'POST',
    '/v1/escalation-policies',
    'member',
    201,
    () => '/v1/escalation-policies',
    () => ({
      name: `p${++seq}`,
      steps: [{ waitMinutes: 5, targets: [{ type: 'channel', channelId: ids.channel }] }],
    }),
  ),
  route('GET', '/v1/escalation-policies', 'viewer', 200, () => '/v1/escalation-policies'),
  route('GET', '/v1/escalation-policies/:id', 'viewer', 200, () => `/v1/escalation-policies/${ids.policy}`),
  route(
    'PATCH',
    '/v1/escalation-policies/:id',
    'member',
    200,
    () => `/v1/escalation-policies/${ids.policy}`,
    () => ({ name: `p${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/escalation-policies/:id',
    'member',
    204,
    async () => `/v1/escalation-policies/${await fresh.policy()}`,
  ),
  route(
    'POST',
    '/v1/maintenance-windows',
    'member',
    201,
    () => '/v1/maintenance-windows',
    () => ({
      name: 'w',
      monitorIds: [ids.monitor],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    }),
  ),
  route('GET', '/v1/maintenance-windows', 'viewer', 200, () => '/v1/maintenance-windows'),
  route('GET', '/v1/maintenance-windows/:id', 'viewer', 200, () => `/v1/maintenance-windows/${ids.window}`),
  route(
    'PATCH',
    '/v1/maintenance-windows/:id',
    'member',
    200,
    () => `/v1/maintenance-windows/${ids.window}`,
    () => ({ name: `w${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/maintenance-windows/:id',
    'member',
    204,
    async () => `/v1/maintenance-windows/${await fresh.window()}`,
  ),
  route('POST', '/v1/oncall-rotations', 'member', 201, () => '/v1/oncall-rotations', rotationBody),
  route('GET', '/v1/oncall-rotations', 'viewer', 200, () => '/v1/oncall-rotations'),
  route('GET', '/v1/oncall-rotations/:id', 'viewer', 200, () => `/v1/oncall-rotations/${ids.rotation}`),
  route(
    'PATCH',
    '/v1/oncall-rotations/:id',
    'member',
    200,
    () => `/v1/oncall-rotations/${ids.rotation}`,
    () => ({ name: `r${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/oncall-rotations/:id',
    'member',
    204,
    async () => `/v1/oncall-rotations/${await fresh.rotation()}`,
  ),
  route(
    'GET',
    '/v1/oncall-rotations/:id/schedule',
    'viewer',
    200,
    () => `/v1/oncall-rotations/${ids.rotation}/schedule`,
  ),
  route(
    'POST',
    '/v1/oncall-rotations/:id/overrides',
    'member',
    201,
    () => `/v1/oncall-rotations/${ids.rotation}/overrides`,
    overrideBody,
  ),
  route(
    'GET',
    '/v1/oncall-rotations/:id/overrides',
    'viewer',
    200,
    () => `/v1/oncall-rotations/${ids.rotation}/overrides`,
  ),
  route(
    'DELETE',
    '/v1/oncall-rotations/:id/overrides/:overrideId',
    'member',
    204,
    async () => `/v1/oncall-rotations/${ids.rotation}/overrides/${await fresh.override()}`,
  ),
  route(
    'POST',
    '/v1/monitor-groups',
    'member',
    201,
    () => '/v1/monitor-groups',
    () => ({ name: `g${++seq}` }),
  ),
  route('GET', '/v1/monitor-groups', 'viewer', 200, () => '/v1/monitor-groups'),
  route('GET', '/v1/monitor-groups/:id', 'viewer', 200, () => `/v1/monitor-groups/${ids.group}`),
  route(
    'PATCH',
    '/v1/monitor-groups/:id',
    'member',
    200,
    () => `/v1/monitor-groups/${ids.group}`,
    () => ({ name: `g${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/monitor-groups/:id',
    'member',
    204,
    async () => `/v1/monitor-groups/${await fresh.group()}`,
  ),
  route(
    'POST',
    '/v1/status-pages',
    'member',
    201,
    () => '/v1/status-pages',
    () => ({ slug: `s-${++seq}`, title: 't' }),
  ),
  route('GET', '/v1/status-pages', 'viewer', 200, () => '/v1/status-pages'),
  route('GET', '/v1/status-pages/:id', 'viewer', 200, () => `/v1/status-pages/${ids.statusPage}`),
  route(
    'PATCH',
    '/v1/status-pages/:id',
    'member',
    200,
    () => `/v1/status-pages/${ids.statusPage}`,
    () => ({ title: 't2' }),
  ),
  route(
    'DELETE',
    '/v1/status-pages/:id',
    'member',
    204,
    async () => `/v1/status-pages/${await fresh.statusPage()}`,
  ),
  route(
    'GET',
    '/v1/status-pages/:id/incidents',
    'viewer',
    200,
    () => `/v1/status-pages/${ids.statusPage}/incidents`,
  ),
  route(
    'POST',
    '/v1/status-pages/:id/incidents',
    'member',
    201,
    () => `/v1/status-pages/${ids.statusPage}/incidents`,
    pageIncidentBody,
  ),
  route(
    'GET',
    '/v1/status-pages/:id/incidents/:incidentId',
    'viewer',
    200,
    () => `/v1/status-pages/${ids.statusPage}/incidents/${ids.pageIncident}`,
  ),
  route(
    'PATCH',
    '/v1/status-pages/:id/incidents/:incidentId',
    'member',
    200,
    () => `/v1/status-pages/${ids.statusPage}/incidents/${ids.pageIncident}`,
    () => ({ title: `renamed ${++seq}` }),
  ),
  route(
    'DELETE',
    '/v1/status-pages/:id/incidents/:incidentId',
    'member',
    204,
    async () => `/v1/status-pages/${ids.statusPage}/incidents/${await fresh.pageIncident()}`,
  ),
  route(
    'POST',
    '/v1/status-pages/:id/incidents/:incidentId/updates',
    'member',
    201,
    () => `/v1/status-pages/${ids.statusPage}/incidents/${ids.pageIncident}/updates`,
    () => ({ status: 'monitoring', message: 'watching' }),
  ),
  route(
    'POST',
    '/v1/incidents/:id/promote',
    'member',
    201,
    async () => `/v1/incidents/${await fresh.automaticIncident()}/promote`,
    () => ({ statusPageId: ids.statusPage, message: 'posted', impact: 'degraded' }),
  ),
  route(
    'GET',
    '/v1/status-pages/:id/subscribers',
    'viewer',
    200,
    () => `/v1/status-pages/${ids.statusPage}/subscribers`,
  ),
  route(
    'DELETE',
    '/v1/status-pages/:id/subscribers/:subscriberId',
    'member',
    204,
    async () => `/v1/status-pages/${ids.statusPage}/subscribers/${await fresh.subscriber()}`,
  ),
  route(
    'POST',
    '/v1/managed/plan',
    'member',
    200,
    () => '/v1/managed/plan',
    () => ({ resources: {} }),
  ),
  route(
    'POST',
    '/v1/managed/apply',
    'member',
    200,
    () => '/v1/managed/apply',
    () => ({ resources: {} }),
  ),
];

/**
 * Routes on the caller's own account: every role may, API keys may not (403). Each attempt runs as a
 * disposable member of that role, since these routes sign their caller out.
 */
interface OwnRoute {
  method: InjectOptions['method'];
  path: string;
  ok: number;
  /** The request for a signed-in user `who`. */
  prepare: (who: Session) => Promise<{ url: string; body?: unknown }>;
}
const anyToken = 'A'.repeat(43);
const ownRoutes: OwnRoute[] = [
  {
    method: 'POST',
    path: '/v1/auth/verify-email/resend',
    ok: 202,
    prepare: async () => ({ url: '/v1/auth/verify-email/resend' }),
  },
  {
    method: 'POST',
    path: '/v1/auth/password',
    ok: 204,
    prepare: async (who) => ({
      url: '/v1/auth/password',
      body: { currentPassword: who.password, newPassword: 'a brand new password' },
    }),
  },
  {
    method: 'POST',
    path: '/v1/auth/logout-all',
    ok: 204,
    prepare: async () => ({ url: '/v1/auth/logout-all' }),
  },
  {
    method: 'POST',
    path: '/v1/invitations/:token/accept',
    ok: 200,
    prepare: async (who) => ({
      url: `/v1/invitations/${await invite(api, ownerB, who.email, 'viewer')}/accept`,
    }),
  },
  {
    method: 'POST',
    path: '/v1/auth/switch',
    ok: 200,
    prepare: async (who) => {
      const me = (await client(api.app, who.token).get('/v1/me')).json();
      const other = me.organizations.find((o: { id: string }) => o.id !== me.organization.id);
      return { url: '/v1/auth/switch', body: { organizationId: other.id } };
    },
  },
  {
    method: 'GET',
    path: '/v1/me/invitations',
    ok: 200,
    prepare: async () => ({ url: '/v1/me/invitations' }),
  },
  {
    method: 'POST',
    path: '/v1/me/invitations/:id/accept',
    ok: 200,
    prepare: async (who) => ({ url: `/v1/me/invitations/${await invitationTo(who)}/accept` }),
  },
  {
    method: 'POST',
    path: '/v1/me/invitations/:id/decline',
    ok: 204,
    prepare: async (who) => ({ url: `/v1/me/invitations/${await invitationTo(who)}/decline` }),
  },
];
/** Invites `who` to organization B and returns the invitation's id as `who` lists it. */
async function invitationTo(who: Session): Promise<string> {
  await invite(api, ownerB, who.email, 'viewer');
  return (await client(api.app, who.token).get('/v1/me/invitations')).json().items[0].id;
}
/** The request shape without a user behind it (keys and forged credentials never get past auth). */
const ownRequest = (r: OwnRoute) => ({
  url: r.path.replace(':token', anyToken).replace(':id', '00000000-0000-4000-8000-000000000000'),
  body:
    r.path === '/v1/auth/password'
      ? { currentPassword: 'x', newPassword: 'a brand new password' }
      : r.path === '/v1/auth/switch'
        ? { organizationId: '00000000-0000-4000-8000-000000000000' }
        : undefined,
});

const send = async (r: Route, token: string, url?: string) =>
  api.app.inject({
    method: r.method,
    url: url ?? (await r.url()),
    headers: { authorization: `Bearer ${token}` },
    ...(r.body ? { payload: (await r.body()) as InjectOptions['payload'] } : {}),
  });

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
  ownerA = await signupUser(api.app, 'Org A');
  ownerB = await signupUser(api.app, 'Org B');
  for (const [org, owner] of [
    ['A', ownerA],
    ['B', ownerB],
  ] as const) {
    for (const role of roles) {
      const session = role === 'owner' ? owner : await addMemberSession(api, owner, role);
      principals.push({ label: `${org} ${role} token`, org, role, token: session.token });
    }
  }
  for (const role of roles) {
    const key = (await asOwnerA().post('/v1/api-keys', { name: `matrix ${role}`, role })).json()
      .key as string;
    principals.push({ label: `A ${role} key`, org: 'A', role, token: key });
  }
  ids.monitor = await fresh.monitor();
  ids.channel = await fresh.channel();
  ids.statusPage = await fresh.statusPage();
  ids.window = await fresh.window();
  ids.group = await fresh.group();
  ids.policy = await fresh.policy();
  ids.apiKey = await fresh.apiKey();
  ids.location = await fresh.location();
  ids.rotation = await fresh.rotation();
  ids.pageIncident = await fresh.pageIncident();
  ids.subscription = await fresh.subscription();
  const component = await testDb.db
    .insertInto('status_page_components')
    .values({ org_id: ownerA.orgId, status_page_id: ids.statusPage, name: 'Checkout', position: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids.component = component.id;
  const incident = await testDb.db
    .insertInto('incidents')
    .values({ org_id: ownerA.orgId, monitor_id: ids.monitor, status: 'open', opened_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids.incident = incident.id;
  await testDb.db
    .insertInto('check_artifacts')
    .values({
      org_id: ownerA.orgId,
      monitor_id: ids.monitor,
      scheduled_at: SHOT_AT,
      region: 'local',
      kind: 'scheduled',
      png: Buffer.from('89504e470d0a1a0a', 'hex'),
    })
    .execute();
});

afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

/** Managing keys, members and invitations takes a signed-in person: an API key of any role gets 403. */
const sessionOnly = (r: Pick<Route, 'method' | 'path'>) =>
  r.method !== 'GET' &&
  ['/v1/api-keys', '/v1/members', '/v1/invitations/:id'].some((p) => r.path.startsWith(p));

describe('the access matrix', () => {
  it('covers every authenticated route the OpenAPI document lists', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const documented = Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown[] }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // The live event stream never ends, so it cannot be injected here: events.test.ts checks its
    // authentication and that no organization hears another's events.
    // The probe gateway takes probe tokens only: probe-gateway.test.ts checks that user credentials get 401.
    const covered = [...routes, ...ownRoutes]
      .map((r) => `${r.method} ${r.path}`)
      .concat('GET /v1/events', 'GET /v1/probe/session', 'POST /v1/probe/poll', 'POST /v1/probe/results');
    expect(documented.filter((d) => !covered.includes(d))).toEqual([]);
  });

  it.each(roles)(
    'lets a %s of organization A do what its role allows there and nothing more',
    async (role) => {
      for (const who of principals.filter((p) => p.org === 'A' && p.role === role)) {
        for (const r of routes) {
          const res = await send(r, who.token);
          const allowed = rank(who.role) >= rank(r.min) && !(who.label.endsWith(' key') && sessionOnly(r));
          const expected = allowed ? r.ok : 403;
          expect(res.statusCode, `${who.label}: ${r.method} ${r.path}: ${res.body}`).toBe(expected);
        }
      }
    },
  );

  it.each(roles)(
    'lets a %s act on their own account with an access token, never with an API key',
    async (role) => {
      for (const r of ownRoutes) {
        const who = await addMemberSession(api, ownerA, role);
        const { url, body } = await r.prepare(who);
        const res = await client(api.app, who.token)[r.method === 'POST' ? 'post' : 'get'](url, body);
        expect(res.statusCode, `${role} token: ${r.method} ${r.path}: ${res.body}`).toBe(r.ok);
        const key = principals.find((p) => p.label === `A ${role} key`) as Principal;
        const request = ownRequest(r);
        const byKey = await client(api.app, key.token)[r.method === 'POST' ? 'post' : 'get'](
          request.url,
          request.body,
        );
        expect(byKey.statusCode, `${role} key: ${r.method} ${r.path}: ${byKey.body}`).toBe(403);
      }
    },
  );

  it.each(roles)('shows a %s of organization B none of organization A’s objects', async (role) => {
    const who = principals.find((p) => p.org === 'B' && p.role === role) as Principal;
    const secrets = Object.values(ids);
    for (const r of routes) {
      if (r.object) {
        // The same URL organization A's owner would use: A's object ids.
        const res = await send(r, who.token);
        const expected = rank(who.role) >= rank(r.min) ? 404 : 403;
        expect(res.statusCode, `${who.label}: ${r.method} ${r.path}: ${res.body}`).toBe(expected);
        continue;
      }
      const res = await send(r, who.token);
      if (r.method === 'GET' && res.statusCode === 200) {
        for (const id of secrets) expect(res.body, `${who.label}: ${r.path}`).not.toContain(id);
      }
    }
  });

  it('refuses organization B’s references to organization A’s objects in bodies', async () => {
    const asB = client(api.app, ownerB.token);
    expect((await asB.post('/v1/monitors', httpMonitor({ channelIds: [ids.channel] }))).statusCode).toBe(400);
    expect(
      (await asB.post('/v1/status-pages', { slug: 'b-page', title: 'b', monitorIds: [ids.monitor] }))
        .statusCode,
    ).toBe(400);
    const window = await asB.post('/v1/maintenance-windows', {
      name: 'w',
      monitorIds: [ids.monitor],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    expect([400, 404]).toContain(window.statusCode);
    expect(
      (await asB.post('/v1/monitors', httpMonitor({ dependsOn: { monitorIds: [ids.monitor] } }))).statusCode,
    ).toBe(400);
    expect((await asB.post('/v1/monitor-groups', { name: 'g', monitorIds: [ids.monitor] })).statusCode).toBe(
      400,
    );
    const rotation = await asB.post('/v1/oncall-rotations', {
      ...rotationBody(),
      memberIds: [ownerA.userId],
    });
    expect(rotation.statusCode).toBe(400);
    const links = await testDb.db
      .selectFrom('monitor_channels')
      .select('monitor_id')
      .where('channel_id', '=', ids.channel as string)
      .where('org_id', '=', ownerB.orgId)
      .execute();
    expect(links).toEqual([]);
  });

  it('ignores no mass assignment: ids and organization in a body are refused, never applied', async () => {
    const asB = client(api.app, ownerB.token);
    const res = await asB.post('/v1/monitors', { ...httpMonitor(), orgId: ownerA.orgId, id: ids.monitor });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['id', 'orgId']);
    const patch = await asB.patch(`/v1/monitors/${ids.monitor}`, { name: 'stolen' });
    expect(patch.statusCode).toBe(404);
    const own = (await asB.post('/v1/monitors', httpMonitor())).json();
    expect((await asB.patch(`/v1/monitors/${own.id}`, { orgId: ownerA.orgId })).statusCode).toBe(400);
    const row = await testDb.db
      .selectFrom('monitors')
      .select('org_id')
      .where('id', '=', own.id)
      .executeTakeFirstOrThrow();
    expect(row.org_id).toBe(ownerB.orgId);
  });
});

describe('credential failures are 401 problems on every authenticated route', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (claims: unknown, secret: string, alg = 'HS256') => {
    const head = `${encode({ alg, typ: 'JWT' })}.${encode(claims)}`;
    const mac = alg === 'none' ? '' : createHmac('sha256', secret).update(head).digest('base64url');
    return `${head}.${mac}`;
  };

  it('refuses missing, alg-none, tampered, badly signed, expired and revoked credentials', async () => {
    const viewer = principals.find((p) => p.label === 'A viewer token') as Principal;
    const [header, payloadPart, signature] = viewer.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString());
    const secret = api.config.JWT_SECRET;
    const revoked = (await asOwnerA().post('/v1/api-keys', { name: 'gone', role: 'owner' })).json();
    await asOwnerA().delete(`/v1/api-keys/${revoked.id}`);
    const forged: Record<string, string | null> = {
      missing: null,
      'alg none': sign({ ...claims, role: 'owner' }, secret, 'none'),
      'tampered payload': `${header}.${encode({ ...claims, role: 'owner', org: ownerB.orgId })}.${signature}`,
      'bad signature': sign({ ...claims, role: 'owner' }, 'x'.repeat(40)),
      expired: sign({ ...claims, iat: claims.iat - 3600, exp: claims.iat - 60 }, secret),
      'revoked key': revoked.key,
      garbage: 'not.a.token',
    };
    const signedOut = await addMemberSession(api, ownerA, 'viewer');
    await client(api.app, signedOut.token).post('/v1/auth/logout-all');
    forged['signed out everywhere'] = signedOut.token;
    const everyRoute = [
      ...routes,
      ...ownRoutes.map((r) => {
        const request = ownRequest(r);
        return {
          method: r.method,
          path: r.path,
          url: () => request.url,
          body: request.body && (() => request.body),
        };
      }),
    ];
    for (const [name, token] of Object.entries(forged)) {
      for (const r of everyRoute) {
        const res = await api.app.inject({
          method: r.method,
          url: await r.url(),
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(r.body ? { payload: (await r.body()) as InjectOptions['payload'] } : {}),
        });
        expect(res.statusCode, `${name}: ${r.method} ${r.path}`).toBe(401);
        expect(res.headers['content-type'], `${name}: ${r.method} ${r.path}`).toContain(
          'application/problem+json',
        );
        expect(res.json().type).toBe('urn:sentinelmesh:problem:unauthenticated');
      }
    }
    // Eight credentials × every route: several hundred requests, growing with the API.
  }, 60_000);
});
