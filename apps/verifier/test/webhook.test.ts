import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../src/channels/target-guard';
import { createWebhookAdapter } from '../src/channels/webhook';
import { testPayload } from './fixtures';
import { startReceiver } from './receiver';

const payload = testPayload();

describe('isPublicAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ];
  for (const [address, expected] of cases) {
    it(`${address} is ${expected ? 'public' : 'not public'}`, () => {
      expect(isPublicAddress(address)).toBe(expected);
    });
  }
});

describe('webhook adapter', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const slow = createServer(() => {
    // Never answers: the adapter's own timeout must end the attempt.
  });
  let slowUrl = '';

  beforeAll(async () => {
    receiver = await startReceiver({ '/hook': 'whsec_test' });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await receiver.close();
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });

  it('refuses a loopback target without sending anything when private targets are not allowed', async () => {
    const adapter = createWebhookAdapter({
      allowPrivateTargets: false,
      userAgent: 'SentinelMesh/test',
      clock: Date.now,
    });
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: receiver.url('/hook') },
      secrets: { secret: 'whsec_test' },
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: false, error: 'blocked target: non-public address', permanent: true });
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a host name that resolves to a loopback address', async () => {
    const adapter = createWebhookAdapter({
      allowPrivateTargets: false,
      userAgent: 'SentinelMesh/test',
      clock: Date.now,
    });
    const url = receiver.url('/hook').replace('127.0.0.1', 'localhost');
    const result = await adapter.deliver({ alertId: payload.id, payload, config: { url }, secrets: null });
    await adapter.close();
    expect(result).toMatchObject({ ok: false, error: 'blocked target: non-public address', permanent: true });
    expect(receiver.received).toHaveLength(0);
  });

  it('delivers a signed body to a loopback target when private targets are allowed', async () => {
    const adapter = createWebhookAdapter({
      allowPrivateTargets: true,
      userAgent: 'SentinelMesh/test',
      clock: Date.now,
    });
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: receiver.url('/hook') },
      secrets: { secret: 'whsec_test' },
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, rawBody: JSON.stringify(payload) });
  });

  it('gives up on a receiver that does not answer within the timeout, as a retryable failure', async () => {
    const adapter = createWebhookAdapter({
      allowPrivateTargets: true,
      userAgent: 'SentinelMesh/test',
      clock: Date.now,
      timeoutMs: 300,
    });
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: slowUrl },
      secrets: null,
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'timeout' });
    expect(result.permanent).toBeFalsy();
  });

  it('rejects a channel without a usable URL as a permanent failure', async () => {
    const adapter = createWebhookAdapter({
      allowPrivateTargets: true,
      userAgent: 'SentinelMesh/test',
      clock: Date.now,
    });
    const result = await adapter.deliver({
      alertId: payload.id,
      payload,
      config: { url: 'ftp://x' },
      secrets: null,
    });
    await adapter.close();
    expect(result).toMatchObject({ ok: false, error: 'invalid webhook url', permanent: true });
  });
});
