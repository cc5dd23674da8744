import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apisPerFile,
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  type TestApi,
} from './helpers';

const { apiWith, database } = apisPerFile();

const QUOTA = 'urn:sentinelmesh:problem:quota_exceeded';
const emailChannel = (to: string[]) => ({ type: 'email', name: 'On call', config: { to } });

/** The admin CLI, run as a deployment admin would: `pnpm --filter @sentinelmesh/api limits <slug> ...`. */
function limitsCli(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/limits-cli.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, DATABASE_URL: database().url },
    encoding: 'utf8',
  });
}

async function orgSlug(api: TestApi, owner: Session): Promise<string> {
  return (await client(api.app, owner.token).get('/v1/me')).json().organization.slug;
}

describe('GET /v1/usage', () => {
  it("shows the deployment's limits and the organization's usage", async () => {
    const api = await apiWith({
      MAX_MONITORS_PER_ORG: '10',
      MAX_CHECKS_PER_SECOND_PER_ORG: '5',
      MAX_CHANNELS_PER_ORG: '0',
      MIN_INTERVAL_SECONDS: '10',
      MAX_TEST_ALERTS_PER_MINUTE: '3',
      MAX_EMAIL_RECIPIENTS_PER_CHANNEL: '4',
    });
    const owner = await signupUser(api.app, 'Usage');
    const as = client(api.app, owner.token);
    expect((await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 30 }))).statusCode).toBe(201);
    expect(
      (await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 60, regions: ['local'] }))).statusCode,
    ).toBe(201);
    expect(
      (await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 10, paused: true }))).statusCode,
    ).toBe(201);
    expect(
      (await as.post('/v1/monitors', { type: 'heartbeat', name: 'nightly', periodSeconds: 60 })).statusCode,
    ).toBe(201);
    expect((await as.post('/v1/channels', emailChannel(['a@example.com']))).statusCode).toBe(201);
    const viewer = await client(api.app, owner.token).get('/v1/usage');
    expect(viewer.statusCode).toBe(200);
    expect(viewer.json()).toEqual({
      limits: {
        monitors: 10,
        minIntervalSeconds: 10,
        checksPerSecond: 5,
        channels: null,
        testAlertsPerMinute: 3,
        emailRecipientsPerChannel: 4,
      },
      // 2 regions / 30 s + 1 region / 60 s; the paused monitor and the heartbeat count for nothing.
      usage: { monitors: 4, checksPerSecond: 0.08, channels: 1 },
    });
  });
});

describe('quotas', () => {
  it('refuses the monitor beyond the monitor limit, naming the limit and usage; other tenants unaffected', async () => {
    const api = await apiWith({ MAX_MONITORS_PER_ORG: '2', MAX_CHECKS_PER_SECOND_PER_ORG: '0' });
    const owner = await signupUser(api.app, 'Small');
    const other = await signupUser(api.app, 'Other');
    const as = client(api.app, owner.token);
    for (let i = 0; i < 2; i++) expect((await as.post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
    const problem = expectProblem(await as.post('/v1/monitors', httpMonitor()), 409);
    expect(problem.type).toBe(QUOTA);
    expect(problem.detail).toMatch(/monitors limit .* is 2; 2 in use/);
    expect((await client(api.app, other.token).post('/v1/monitors', httpMonitor())).statusCode).toBe(201);
  });

  it('lets only one of two parallel creates take the last slot', async () => {
    const api = await apiWith({ MAX_MONITORS_PER_ORG: '1', MAX_CHECKS_PER_SECOND_PER_ORG: '0' });
    const owner = await signupUser(api.app, 'Race');
    const as = client(api.app, owner.token);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => as.post('/v1/monitors', httpMonitor())),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('budgets checks per second on create, interval and region changes, and unpausing', async () => {
    const api = await apiWith({ MAX_CHECKS_PER_SECOND_PER_ORG: '1', MAX_MONITORS_PER_ORG: '0' });
    const owner = await signupUser(api.app, 'Budget');
    const other = await signupUser(api.app, 'Neighbour');
    const as = client(api.app, owner.token);
    // 2 regions every 4 s = 0.5 checks/s.
    const first = await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 4 }));
    expect(first.statusCode).toBe(201);
    const id = first.json().id;
    const tooFast = expectProblem(await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 1 })), 409);
    expect(tooFast.type).toBe(QUOTA);
    expect(tooFast.detail).toMatch(/checksPerSecond limit .* is 1; 0\.5 checks\/s in use .* make it 2\.5/);
    expectProblem(await as.patch(`/v1/monitors/${id}`, { intervalSeconds: 1, timeoutMs: 500 }), 409);
    const single = await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 2, regions: ['local'] }));
    expect(single.statusCode).toBe(201);
    expectProblem(await as.patch(`/v1/monitors/${single.json().id}`, { regions: ['local', 'eu-west'] }), 409);
    const paused = await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 2, paused: true }));
    expect(paused.statusCode).toBe(201);
    expectProblem(await as.patch(`/v1/monitors/${paused.json().id}`, { paused: false }), 409);
    // Changes that do not raise the rate always pass, and other organizations have their own budget.
    expect((await as.patch(`/v1/monitors/${id}`, { name: 'renamed', intervalSeconds: 8 })).statusCode).toBe(
      200,
    );
    expect(
      (await client(api.app, other.token).post('/v1/monitors', httpMonitor({ intervalSeconds: 4 })))
        .statusCode,
    ).toBe(201);
  });

  it('limits channels and the email recipients of a channel, on create and patch', async () => {
    const api = await apiWith({ MAX_CHANNELS_PER_ORG: '2', MAX_EMAIL_RECIPIENTS_PER_CHANNEL: '2' });
    const owner = await signupUser(api.app, 'Channels');
    const as = client(api.app, owner.token);
    const recipients = expectProblem(
      await as.post('/v1/channels', emailChannel(['a@example.com', 'b@example.com', 'c@example.com'])),
      409,
    );
    expect(recipients.type).toBe(QUOTA);
    expect(recipients.detail).toMatch(/emailRecipientsPerChannel limit .* is 2; this channel names 3/);
    const created = await as.post('/v1/channels', emailChannel(['a@example.com', 'b@example.com']));
    expect(created.statusCode).toBe(201);
    expectProblem(
      await as.patch(`/v1/channels/${created.json().id}`, {
        config: { to: ['a@example.com', 'b@example.com', 'c@example.com'] },
      }),
      409,
    );
    expect((await as.post('/v1/channels', emailChannel(['c@example.com']))).statusCode).toBe(201);
    const third = expectProblem(await as.post('/v1/channels', emailChannel(['d@example.com'])), 409);
    expect(third.detail).toMatch(/channels limit .* is 2; 2 in use/);
  });

  it('limits test alerts per minute with 429 and Retry-After', async () => {
    const api = await apiWith({ MAX_TEST_ALERTS_PER_MINUTE: '2' });
    const owner = await signupUser(api.app, 'Tests');
    const other = await signupUser(api.app, 'Elsewhere');
    const as = client(api.app, owner.token);
    const channel = (await as.post('/v1/channels', emailChannel(['a@example.com']))).json().id;
    for (let i = 0; i < 2; i++) expect((await as.post(`/v1/channels/${channel}/test`)).statusCode).toBe(202);
    const res = await as.post(`/v1/channels/${channel}/test`);
    const problem = expectProblem(res, 429);
    expect(problem.type).toBe(QUOTA);
    expect(problem.detail).toMatch(/testAlertsPerMinute limit .* is 2/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const theirs = (
      await client(api.app, other.token).post('/v1/channels', emailChannel(['b@example.com']))
    ).json().id;
    expect((await client(api.app, other.token).post(`/v1/channels/${theirs}/test`)).statusCode).toBe(202);
  });

  it('enforces the minimum interval of the organization', async () => {
    const api = await apiWith({ MIN_INTERVAL_SECONDS: '30', MAX_CHECKS_PER_SECOND_PER_ORG: '0' });
    const owner = await signupUser(api.app, 'Slow');
    const problem = expectProblem(
      await client(api.app, owner.token).post('/v1/monitors', httpMonitor({ intervalSeconds: 10 })),
      400,
    );
    expect(problem.errors).toEqual([
      { path: 'intervalSeconds', message: 'must be at least 30 on this deployment' },
    ]);
  });
});

describe('per-organization overrides (the limits CLI)', () => {
  it("sets, shows and resets an organization's limits; only that organization changes", async () => {
    const api = await apiWith({ MAX_MONITORS_PER_ORG: '1', MIN_INTERVAL_SECONDS: '30' });
    const owner = await signupUser(api.app, 'Paid Customer');
    const other = await signupUser(api.app, 'Free Customer');
    const slug = await orgSlug(api, owner);

    const shown = limitsCli([slug, 'monitors=3', 'minIntervalSeconds=5', 'checksPerSecond=0']);
    expect(shown).toContain('monitors: 3');
    expect(shown).toContain('checksPerSecond: no limit');
    const usage = (await client(api.app, owner.token).get('/v1/usage')).json();
    expect(usage.limits).toMatchObject({ monitors: 3, minIntervalSeconds: 5, checksPerSecond: null });
    const as = client(api.app, owner.token);
    for (let i = 0; i < 3; i++)
      expect((await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 5 }))).statusCode).toBe(201);
    expectProblem(await as.post('/v1/monitors', httpMonitor({ intervalSeconds: 5 })), 409);
    expect((await client(api.app, other.token).get('/v1/usage')).json().limits).toMatchObject({
      monitors: 1,
      minIntervalSeconds: 30,
    });

    limitsCli([slug, 'monitors=default']);
    expect((await client(api.app, owner.token).get('/v1/usage')).json().limits.monitors).toBe(1);
  }, 90_000);

  it('refuses an unknown organization or limit with a clear message', () => {
    expect(() => limitsCli(['no-such-org', 'monitors=5'])).toThrow(
      /no organization with the slug "no-such-org"/,
    );
    expect(() => limitsCli(['whatever', 'cats=5'])).toThrow(/unknown limit "cats"/);
  }, 60_000);
});
