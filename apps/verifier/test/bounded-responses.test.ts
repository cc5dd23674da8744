import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../src/channels/email';
import { MAX_RESPONSE_BYTES } from '../src/channels/http-post';
import { createWebhookAdapter } from '../src/channels/webhook';
import { testPayload } from './fixtures';
import { type Receiver, startReceiver } from './receiver';

const payload = testPayload();

const TIMEOUT_MS = 3000;
const ROUNDS = 10;
const CONCURRENT = 5;
const MiB = 1024 * 1024;

let receiver: Receiver;
const adapter = createWebhookAdapter({
  allowPrivateTargets: true,
  userAgent: 'test',
  clock: Date.now,
  timeoutMs: TIMEOUT_MS,
});

beforeAll(async () => {
  receiver = await startReceiver({ '/stream': 'whsec_test' });
  receiver.streamWithoutEnd('/stream');
});
afterAll(async () => {
  await adapter.close();
  await receiver?.close();
});

const deliver = (n: number) =>
  adapter.deliver({
    alertId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    payload,
    config: { url: receiver.url('/stream') },
    secrets: { secret: 'whsec_test' },
  });

describe('a receiver that answers 200 and streams without end', () => {
  it('costs each delivery a few KiB, not what it sends, and every delivery fails', async () => {
    // One delivery first, so lazily loaded code and first-use buffers are not counted as growth.
    const warmUp = await deliver(0);
    expect(warmUp.ok).toBe(false);
    const held = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = held();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, held());
    }, 5);
    const results = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: CONCURRENT }, (_, i) => deliver(1 + round * CONCURRENT + i)),
          )),
        );
      }
    } finally {
      clearInterval(sampler);
    }
    const deliveries = ROUNDS * CONCURRENT;
    await expect.poll(() => receiver.streamed.length, { timeout: 5000 }).toBe(deliveries + 1);
    const growthMiB = (peak - before) / MiB;
    const mostSent = Math.max(...receiver.streamed);
    process.stdout.write(
      `${deliveries} deliveries to an endless receiver: peak growth of heap and buffers ` +
        `${growthMiB.toFixed(1)} MiB, at most ${(mostSent / 1024).toFixed(0)} KiB sent per answer\n`,
    );
    // Memory stays flat: reading each stream whole would hold tens of MiB per delivery at once.
    expect(growthMiB).toBeLessThan(32);
    // The receiver got out at most what fits in socket buffers before the connection was closed.
    expect(mostSent).toBeLessThan(4 * MiB);
    expect(results).toHaveLength(deliveries);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        statusCode: 200,
        error: `HTTP 200, but the response is over ${MAX_RESPONSE_BYTES} bytes`,
      });
      // Cut off at the size cap, not at the delivery timeout.
      expect(result.durationMs).toBeLessThan(TIMEOUT_MS);
    }
  }, 60_000);
});

describe('a receiver that answers 200 and trickles a short body without ending it', () => {
  it('has not acknowledged when the delivery timeout comes', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 50);
      res.once('close', () => clearInterval(timer));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const timeoutMs = 300;
    const trickled = createWebhookAdapter({
      allowPrivateTargets: true,
      userAgent: 'test',
      clock: Date.now,
      timeoutMs,
    });
    try {
      const result = await trickled.deliver({
        alertId: payload.id,
        payload,
        config: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
        secrets: null,
      });
      expect(result).toMatchObject({
        ok: false,
        statusCode: 200,
        error: `HTTP 200, but the response did not end within ${timeoutMs} ms`,
      });
    } finally {
      await trickled.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('an SMTP server whose reply never ends', () => {
  it('is cut off after a short reply, and the delivery fails', async () => {
    const sentPerConnection: number[] = [];
    const piece = Buffer.alloc(4 * 1024, 'x');
    // Greets with a reply line that goes on without a line break, 4 KiB every 2 ms: slow enough
    // that the client reads each piece as it comes, so what was sent is what the client took in.
    const server = createServer((socket: Socket) => {
      let sent = 0;
      socket.on('error', () => {});
      socket.write('220-');
      const timer = setInterval(() => {
        if (socket.destroyed || socket.writableNeedDrain || sent >= 64 * MiB) return;
        socket.write(piece);
        sent += piece.length;
      }, 2);
      socket.once('close', () => {
        clearInterval(timer);
        sentPerConnection.push(sent);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const email = createEmailAdapter({
      smtpUrl: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
      from: 'alerts@example.com',
      dashboardUrl: 'http://localhost:3000',
      timeoutMs: TIMEOUT_MS,
    });
    try {
      const result = await email.deliver({
        alertId: payload.id,
        payload,
        config: { to: ['oncall@example.com'] },
        secrets: null,
      });
      expect(result).toMatchObject({ ok: false, error: 'SMTP error: EPROTOCOL' });
      await expect.poll(() => sentPerConnection.length, { timeout: 5000 }).toBe(1);
      // Cut off after the 16 KiB reply limit, not the library's default of 1 MiB.
      expect(sentPerConnection[0]).toBeLessThan(256 * 1024);
    } finally {
      await email.close();
      server.close();
    }
  });
});
