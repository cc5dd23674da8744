import type { AlertPayload } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMatrixAdapter } from '../src/channels/matrix';
import { startChannelHarness } from './channel-harness';
import { startMatrixServer } from './chat-receivers';
import { delivery, downAlert, testPayload, upAlert } from './fixtures';

const dashboardUrl = 'https://dash.example.com';
const http = { allowPrivateTargets: true, userAgent: 'SentinelMesh/test', dashboardUrl };
const token = 'syt_bot_token_1234';
const room = '!ops:example.org';
const ackUrl = 'https://dash.example.com/ack/signed-token';
const down: AlertPayload = {
  ...downAlert,
  monitor: { ...downAlert.monitor, name: 'Checkout <b>@room</b>' },
  ackUrl,
};

let matrix: Awaited<ReturnType<typeof startMatrixServer>>;
let harness: Awaited<ReturnType<typeof startChannelHarness>>;
const config = () => ({ homeserverUrl: `${matrix.origin}/`, roomId: room });
const toMatrix = (payload: AlertPayload, accessToken = token) => delivery(payload, config(), { accessToken });
const sent = () => matrix.accepted.map((r) => ({ path: r.path, content: JSON.parse(r.rawBody) }));

beforeAll(async () => {
  matrix = await startMatrixServer({ token, joinedRooms: [room] });
  harness = await startChannelHarness();
});

afterAll(async () => {
  await harness?.close();
  await matrix?.close();
});

describe('matrix adapter', () => {
  it('PUTs a down alert into the room as m.text with an HTML body, the alert id as transaction id, and an Acknowledge link', async () => {
    const adapter = createMatrixAdapter(http);
    const result = await adapter.deliver(toMatrix(down));
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const request = matrix.accepted.at(-1);
    expect(request?.method).toBe('PUT');
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.path).toBe(
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${down.id}`,
    );
    const content = JSON.parse(request?.rawBody ?? '{}');
    expect(content.msgtype).toBe('m.text');
    expect(content.format).toBe('org.matrix.custom.html');
    // Title first (the notification preview); @room does not ping; HTML is escaped.
    expect(content.body.split('\n')).toEqual([
      '🔴 DOWN: Checkout <b>@\u200broom</b>',
      'Cause: HTTP 500 from 2 of 2 regions',
      'Duration: down since 09:14:00 UTC',
      'Target: https://shop.example.com/health',
      `Details: ${dashboardUrl}/monitors/${down.monitor.id}`,
      `Acknowledge: ${ackUrl}`,
    ]);
    expect(content.formatted_body).toContain('DOWN: Checkout &lt;b&gt;@\u200broom&lt;/b&gt;');
    expect(content.formatted_body).toContain(`<a href="${ackUrl}">Acknowledge</a>`);
    expect(content.formatted_body).toContain(
      `<a href="${dashboardUrl}/monitors/${down.monitor.id}">Open in SentinelMesh</a>`,
    );
  });

  it('sends an up alert with how long it was down, and no Acknowledge link when the alert has none', async () => {
    const adapter = createMatrixAdapter(http);
    expect((await adapter.deliver(toMatrix(upAlert))).ok).toBe(true);
    await adapter.close();
    const { content } = sent().at(-1) ?? { content: {} };
    expect(content.body).toContain('✅ UP: Checkout API');
    expect(content.body).toContain('Duration: down for 3m 20s');
    expect(content.body).not.toContain('Acknowledge');
    expect(content.formatted_body).not.toContain('Acknowledge');
  });

  it('sends a test message', async () => {
    const adapter = createMatrixAdapter(http);
    const payload = testPayload('00000000-0000-4000-8000-00000000aa01');
    expect((await adapter.deliver(toMatrix(payload))).ok).toBe(true);
    await adapter.close();
    expect(sent().at(-1)?.content.body.split('\n')[0]).toBe(
      '👋 TEST: alerts from SentinelMesh reach this channel',
    );
  });

  it('repeats the same transaction id on a retry, so the homeserver keeps one event', async () => {
    const adapter = createMatrixAdapter(http);
    const payload = { ...down, id: '00000000-0000-4000-8000-00000000aa02' };
    await adapter.deliver(toMatrix(payload));
    await adapter.deliver(toMatrix(payload));
    await adapter.close();
    const paths = matrix.accepted.filter((r) => r.path.endsWith(payload.id)).map((r) => r.path);
    expect(paths).toHaveLength(2);
    expect(new Set(paths).size).toBe(1);
    expect(matrix.events.get(payload.id)).toBeDefined();
  });

  it('is permanent for an unknown token or a room the bot is not in, and names the errcode', async () => {
    const adapter = createMatrixAdapter(http);
    expect(await adapter.deliver(toMatrix(down, 'wrong'))).toMatchObject({
      ok: false,
      statusCode: 401,
      permanent: true,
      error: 'HTTP 401 (M_UNKNOWN_TOKEN)',
    });
    const elsewhere = delivery(down, { ...config(), roomId: '!other:example.org' }, { accessToken: token });
    expect(await adapter.deliver(elsewhere)).toMatchObject({
      statusCode: 403,
      permanent: true,
      error: 'HTTP 403 (M_FORBIDDEN)',
    });
    await adapter.close();
  });

  it('holds back for retry_after_ms on M_LIMIT_EXCEEDED, and refuses a loopback homeserver where private targets are not allowed', async () => {
    const adapter = createMatrixAdapter(http);
    const payload = { ...down, id: '00000000-0000-4000-8000-00000000aa03' };
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${payload.id}`;
    matrix.script(path, [
      {
        status: 429,
        body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 2500 },
      },
    ]);
    expect(await adapter.deliver(toMatrix(payload))).toMatchObject({
      ok: false,
      statusCode: 429,
      permanent: false,
      retryAfterMs: 2500,
    });
    await adapter.close();
    const guarded = createMatrixAdapter({ ...http, allowPrivateTargets: false });
    const before = matrix.requests.length;
    expect(await guarded.deliver(toMatrix(down))).toMatchObject({
      permanent: true,
      error: 'blocked target: non-public address',
    });
    await guarded.close();
    expect(matrix.requests).toHaveLength(before);
  });
});

describe('matrix deliveries through the notifier', () => {
  it('retries a 502 from the homeserver, then delivers the test alert once', async () => {
    matrix.failNext([{ status: 502, body: { errcode: 'M_UNKNOWN', error: 'Bad gateway' } }]);
    const before = matrix.accepted.length;
    const result = await harness.deliver({
      type: 'matrix',
      config: config(),
      secrets: { accessToken: token },
    });
    expect(result.status).toBe('sent');
    expect(result.attempts).toEqual([
      { status_code: 502, error: 'HTTP 502 (M_UNKNOWN)' },
      { status_code: 200, error: null },
    ]);
    expect(matrix.accepted.length - before).toBe(1);
    expect(matrix.accepted.at(-1)?.path).toContain(`/send/m.room.message/${result.alertId}`);
  });

  it('fails a delivery with a revoked token at once, without retrying', async () => {
    const result = await harness.deliver({
      type: 'matrix',
      config: config(),
      secrets: { accessToken: 'revoked' },
    });
    expect(result.status).toBe('failed');
    expect(result.attempts).toEqual([{ status_code: 401, error: 'HTTP 401 (M_UNKNOWN_TOKEN)' }]);
  });
});
