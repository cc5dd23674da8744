import type { LiveEvent } from '@sentinelmesh/core';
import { createTestDatabase, type TestDatabase } from '@sentinelmesh/db/testing';
import { connectRedis, createLogger, publishLiveEvents, type RedisClient } from '@sentinelmesh/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMemberSession,
  client,
  expectProblem,
  httpMonitor,
  type Session,
  signupUser,
  startApi,
  type TestApi,
  waitFor,
} from './helpers';

let testDb: TestDatabase;
let api: TestApi;
let base: string;
let publisher: RedisClient;
let orgA: Session;
let orgB: Session;

const HEARTBEAT_MS = 200;

beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb, { live: { heartbeatMs: HEARTBEAT_MS, limits: { perUser: 2, perOrg: 4 } } });
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  publisher = connectRedis(api.config);
  orgA = await signupUser(api.app, 'Stream Org A');
  orgB = await signupUser(api.app, 'Stream Org B');
});

afterAll(async () => {
  await publisher?.quit();
  await api?.app.close();
  await testDb?.drop();
});

interface Frame {
  event: string;
  data: Record<string, unknown>;
}

/** A client of GET /v1/events that keeps every frame it received, in order. */
async function openStream(token: string, url = base) {
  const aborter = new AbortController();
  const res = await fetch(`${url}/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: aborter.signal,
  });
  const frames: Frame[] = [];
  let ended = false;
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) frames.push({ event, data: JSON.parse(data) });
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted by the test
      }
      ended = true;
    })();
  } else {
    await res.body?.cancel();
  }
  return {
    res,
    frames,
    ended: () => ended,
    next: (event: string, timeoutMs = 3_000) =>
      waitFor(async () => {
        const frame = frames.find((f) => f.event === event);
        if (!frame) throw new Error(`no ${event} event yet; got ${frames.map((f) => f.event).join(', ')}`);
        return frame;
      }, timeoutMs),
    close: () => aborter.abort(),
  };
}

const publish = (orgId: string, events: LiveEvent[]) =>
  publishLiveEvents(
    { redis: publisher, prefix: api.config.QUEUE_PREFIX, logger: createLogger('events-test', 'silent') },
    orgId,
    events,
  );

const statusEvent = (monitorId: string): LiveEvent => ({
  type: 'monitor.status',
  monitorId,
  status: 'down',
  at: new Date().toISOString(),
});

describe('GET /v1/events', () => {
  it('refuses a caller without a valid token with a problem', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/events' }), 401);
    const res = await fetch(`${base}/v1/events`, { headers: { authorization: 'Bearer nonsense' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('opens an event stream that says ready, then sends heartbeats', async () => {
    const stream = await openStream(orgA.token);
    try {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.res.headers.get('cache-control')).toContain('no-cache');
      expect((await stream.next('ready')).data).toEqual({
        organizationId: orgA.orgId,
        heartbeatMs: HEARTBEAT_MS,
      });
      await waitFor(async () => {
        expect(stream.frames.filter((f) => f.event === 'heartbeat').length).toBeGreaterThanOrEqual(2);
      });
    } finally {
      stream.close();
    }
  });

  it("delivers an organization's events to its streams only: B never sees A's", async () => {
    const a = await openStream(orgA.token);
    const b = await openStream(orgB.token);
    try {
      await a.next('ready');
      await b.next('ready');
      const monitorOfA = crypto.randomUUID();
      const monitorOfB = crypto.randomUUID();
      await publish(orgA.orgId, [statusEvent(monitorOfA)]);
      await publish(orgB.orgId, [statusEvent(monitorOfB)]);
      expect((await a.next('monitor.status')).data.monitorId).toBe(monitorOfA);
      expect((await b.next('monitor.status')).data.monitorId).toBe(monitorOfB);
      // One subscriber connection hears both channels in publish order: had A's event reached B's
      // stream, it would be there before B's own.
      const seenByB = b.frames.filter((f) => f.event.startsWith('monitor.')).map((f) => f.data.monitorId);
      expect(seenByB).toEqual([monitorOfB]);
      expect(a.frames.filter((f) => f.event.startsWith('monitor.')).map((f) => f.data.monitorId)).toEqual([
        monitorOfA,
      ]);
    } finally {
      a.close();
      b.close();
    }
  });

  it("passes on every event of a batch message, in order, to that organization's streams only", async () => {
    const a = await openStream(orgA.token);
    const b = await openStream(orgB.token);
    try {
      await a.next('ready');
      await b.next('ready');
      const [first, second, third] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const channel = `${api.config.QUEUE_PREFIX}:events:${orgA.orgId}`;
      const heardBefore = await publisher.publish(channel, JSON.stringify([statusEvent(first)]));
      expect(heardBefore).toBe(1);
      // A verification batch's events of one organization: one message, one PUBLISH.
      const batch = [statusEvent(second), { ...statusEvent(third), type: 'monitor.checked' } as LiveEvent];
      expect(await publisher.publish(channel, JSON.stringify(batch))).toBe(1);
      // A lone event (as the API publishes a change) still arrives as before.
      const lone = crypto.randomUUID();
      await publish(orgA.orgId, [statusEvent(lone)]);
      await waitFor(async () => {
        expect(a.frames.filter((f) => f.event.startsWith('monitor.')).map((f) => f.data.monitorId)).toEqual([
          first,
          second,
          third,
          lone,
        ]);
      });
      expect(a.frames.find((f) => f.data.monitorId === third)?.event).toBe('monitor.checked');
      // B's stream heard nothing of A's batch: its own event, published after, comes first.
      const mine = crypto.randomUUID();
      await publish(orgB.orgId, [statusEvent(mine)]);
      await b.next('monitor.status');
      expect(b.frames.filter((f) => f.event.startsWith('monitor.')).map((f) => f.data.monitorId)).toEqual([
        mine,
      ]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('drops a malformed message instead of passing it on', async () => {
    const stream = await openStream(orgA.token);
    try {
      await stream.next('ready');
      const channel = `${api.config.QUEUE_PREFIX}:events:${orgA.orgId}`;
      await publisher.publish(channel, '{"type":"monitor.status","monitorId":"<script>"}');
      await publisher.publish(channel, 'not json');
      // A batch with one bad event is dropped whole: it did not come from the verifier.
      await publisher.publish(channel, JSON.stringify([statusEvent(crypto.randomUUID()), { type: 'nope' }]));
      await publisher.publish(channel, '[]');
      const good = crypto.randomUUID();
      await publish(orgA.orgId, [statusEvent(good)]);
      await stream.next('monitor.status');
      expect(stream.frames.filter((f) => f.event === 'monitor.status').map((f) => f.data.monitorId)).toEqual([
        good,
      ]);
    } finally {
      stream.close();
    }
  });

  it('announces an acknowledgement once it is committed', async () => {
    const as = client(api.app, orgA.token);
    const monitorId = (await as.post('/v1/monitors', httpMonitor())).json().id as string;
    const incident = await testDb.db
      .insertInto('incidents')
      .values({
        org_id: orgA.orgId,
        monitor_id: monitorId,
        status: 'open',
        opened_at: new Date(),
        cause: 'HTTP 503',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stream = await openStream(orgA.token);
    try {
      await stream.next('ready');
      expect((await as.post(`/v1/incidents/${incident.id}/acknowledge`)).statusCode).toBe(200);
      const frame = await stream.next('incident.acknowledged');
      expect(frame.data).toMatchObject({ monitorId, incidentId: incident.id });
      // A second acknowledgement changes nothing and announces nothing.
      expect((await as.post(`/v1/incidents/${incident.id}/acknowledge`)).statusCode).toBe(200);
      await publish(orgA.orgId, [statusEvent(monitorId)]);
      await stream.next('monitor.status');
      expect(stream.frames.filter((f) => f.event === 'incident.acknowledged')).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  it('announces a monitor created or edited through the API', async () => {
    const stream = await openStream(orgA.token);
    try {
      await stream.next('ready');
      const as = client(api.app, orgA.token);
      const monitorId = (await as.post('/v1/monitors', httpMonitor())).json().id as string;
      expect((await stream.next('monitor.changed')).data.monitorId).toBe(monitorId);
      expect((await as.patch(`/v1/monitors/${monitorId}`, { name: 'Renamed' })).statusCode).toBe(200);
      await waitFor(async () => {
        expect(stream.frames.filter((f) => f.event === 'monitor.changed')).toHaveLength(2);
      });
    } finally {
      stream.close();
    }
  });

  it('bounds the streams per user, and frees a slot when a client goes away', async () => {
    const person = await signupUser(api.app, 'Many Tabs');
    const first = await openStream(person.token);
    const second = await openStream(person.token);
    await first.next('ready');
    await second.next('ready');
    const third = await fetch(`${base}/v1/events`, { headers: { authorization: `Bearer ${person.token}` } });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(((await third.json()) as { detail: string }).detail).toContain('2 live event streams');
    first.close();
    const again = await waitFor(async () => {
      const stream = await openStream(person.token);
      if (stream.res.status !== 200) throw new Error(`still ${stream.res.status}`);
      return stream;
    });
    await again.next('ready');
    again.close();
    second.close();
  });

  it('ends the stream of a member removed from the organization', async () => {
    const member = await addMemberSession(api, orgB, 'viewer');
    const stream = await openStream(member.token);
    await stream.next('ready');
    expect((await client(api.app, orgB.token).delete(`/v1/members/${member.userId}`)).statusCode).toBe(204);
    expect((await stream.next('end')).data).toEqual({ reason: 'membership-ended' });
    await waitFor(async () => expect(stream.ended()).toBe(true));
  });

  it('ends the stream when the access token expires, and when the server stops', async () => {
    const short = await startApi(testDb, { prefix: api.config.QUEUE_PREFIX, live: { maxStreamMs: 300 } });
    const url = await short.app.listen({ port: 0, host: '127.0.0.1' });
    const expiring = await openStream(orgA.token, url);
    expect((await expiring.next('end')).data).toEqual({ reason: 'reconnect' });
    const open = await openStream(orgA.token, url);
    await open.next('ready');
    await short.app.close();
    expect((await open.next('end')).data).toEqual({ reason: 'server-stopping' });
    await waitFor(async () => expect(open.ended()).toBe(true));
  });
});

describe('switching organizations', () => {
  it('gives a member of two organizations a session in the other one without a password', async () => {
    const member = await addMemberSession(api, orgA, 'member');
    const own = await signupUser(api.app, 'Unrelated');
    // `member` signed up with an organization of their own, then joined A: they belong to both.
    const me = (await client(api.app, member.token).get('/v1/me')).json();
    expect(me.organization.id).toBe(orgA.orgId);
    const home = me.organizations.find((o: { id: string }) => o.id !== orgA.orgId).id as string;
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/switch',
      headers: { authorization: `Bearer ${member.token}`, cookie: `sm_refresh=${member.cookie}` },
      payload: { organizationId: home },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().organization.id).toBe(home);
    expect(res.cookies.find((c) => c.name === 'sm_refresh')?.value).toBeTruthy();
    const switched = (await client(api.app, res.json().accessToken).get('/v1/me')).json();
    expect(switched.organization.id).toBe(home);
    // The session it replaced is over: its refresh cookie no longer works.
    const oldRefresh = await api.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      headers: { cookie: `sm_refresh=${member.cookie}` },
    });
    expect(oldRefresh.statusCode).toBe(401);
    // Never into an organization the user is not a member of.
    expectProblem(
      await client(api.app, member.token).post('/v1/auth/switch', { organizationId: own.orgId }),
      404,
    );
  });

  it('refuses API keys', async () => {
    const key = (await client(api.app, orgA.token).post('/v1/api-keys', { name: 'ci', role: 'admin' })).json()
      .key;
    expectProblem(await client(api.app, key).post('/v1/auth/switch', { organizationId: orgA.orgId }), 403);
  });
});
