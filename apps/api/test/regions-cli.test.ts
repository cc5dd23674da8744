import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionsCommand, UsageError } from '../src/probes/regions-admin';
import { client, createTestDatabase, httpMonitor, signupUser, startApi, type TestApi } from './helpers';

let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb);
});
afterAll(async () => {
  await api?.app.close();
  await testDb?.drop();
});

describe('the regions command', () => {
  it('adds a probe region that monitors may list at once, mints a token once and revokes it', async () => {
    const announced: string[][] = [];
    const run = (...args: string[]) =>
      regionsCommand(testDb.db, args, async (ids) => {
        announced.push(ids);
      });
    const owner = await signupUser(api.app);
    const before = await client(api.app, owner.token).post(
      '/v1/monitors',
      httpMonitor({ regions: ['far-east'] }),
    );
    expect(before.statusCode).toBe(400);

    expect(await run('add', 'far-east', 'Far East')).toContain('added probe region far-east');
    await expect(run('add', 'far-east')).rejects.toThrow(UsageError);
    await expect(run('add', 'Not A Region')).rejects.toThrow(UsageError);
    // Accepted without a restart: the API re-reads the regions when it meets an unknown one.
    const after = await client(api.app, owner.token).post(
      '/v1/monitors',
      httpMonitor({ regions: ['far-east'] }),
    );
    expect(after.statusCode, after.body).toBe(201);

    const minted = await run('probe-token', 'far-east', 'tokyo-1');
    const token = /token \(shown once\): (smp_\S+)/.exec(minted)?.[1] as string;
    const probeId = /probe (\S+) \(tokyo-1\)/.exec(minted)?.[1] as string;
    expect(token).toMatch(/^smp_[A-Za-z0-9_-]{43}$/);
    const session = await api.app.inject({
      method: 'GET',
      url: '/v1/probe/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(session.json()).toMatchObject({
      probeId,
      region: 'far-east',
      organizationId: null,
      allowPrivateTargets: false,
    });
    expect(await run('list')).toMatch(new RegExp(`far-east\\t${probeId}\\ttokyo-1`));
    // The organization's monitors use far-east: its probes are listed to the organization too.
    const probes = await client(api.app, owner.token).get('/v1/probes');
    expect(probes.json().items).toEqual([
      expect.objectContaining({ id: probeId, region: 'far-east', locationId: null }),
    ]);

    expect(await run('revoke', probeId)).toBe(`revoked probe ${probeId}`);
    expect(announced).toEqual([[probeId]]);
    const refused = await api.app.inject({
      method: 'GET',
      url: '/v1/probe/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.statusCode).toBe(401);
    await expect(run('revoke', probeId)).rejects.toThrow(UsageError);
  });
});
