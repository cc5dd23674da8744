import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookAdapter } from '../src/channels/webhook';
import { testPayload } from './fixtures';

// The channels use the platform's target guard: no webhook reaches a loopback receiver, however written.

const payload = testPayload('00000000-0000-4000-8000-000000000009');

let receiver: Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  receiver = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '127.1',
    '2130706433',
    '0x7f000001',
    '0x7f.0.0.1',
    '0177.0.0.1',
    '017700000001',
    '0.0.0.0',
    '0',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::127.0.0.1]',
    'localhost',
  ])('refuses http://%s without sending anything', async (host) => {
    const adapter = createWebhookAdapter({ allowPrivateTargets: false, userAgent: 'test', clock: Date.now });
    const before = hits;
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: `http://${host}:${port}/hook` },
      secrets: null,
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: false, error: 'blocked target: non-public address', permanent: true });
    expect(hits).toBe(before);
  });

  it('delivers to the same receiver, in an odd spelling, when private targets are allowed', async () => {
    const adapter = createWebhookAdapter({ allowPrivateTargets: true, userAgent: 'test', clock: Date.now });
    const before = hits;
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: `http://0x7f000001:${port}/hook` },
      secrets: null,
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(hits).toBe(before + 1);
  });
});
