import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, waitForDatabase } from '../src';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** A port that refuses connections until `open()`, then forwards them to Postgres. */
async function lateProxy(target: URL) {
  const server: Server = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  // Take a free port, then close it so connections are refused until it opens again.
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  await new Promise((resolve) => server.close(resolve));
  return {
    port,
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('waitForDatabase', () => {
  it('returns once a Postgres that refused connections at first answers', async () => {
    const target = new URL(t.url);
    const proxy = await lateProxy(target);
    const via = new URL(t.url);
    via.port = String(proxy.port);
    const db = createDb({ connectionString: via.toString() });
    const retries: number[] = [];
    try {
      await waitForDatabase(db, {
        timeoutMs: 10_000,
        onRetry: (_error, retryInMs) => {
          retries.push(retryInMs);
          if (retries.length === 2) void proxy.open();
        },
      });
      expect(retries.length).toBeGreaterThanOrEqual(2);
    } finally {
      await db.destroy();
      await proxy.close();
    }
  });

  it('gives up with the connection error once its time is up', async () => {
    const proxy = await lateProxy(new URL(t.url));
    const db = createDb({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/postgres` });
    try {
      await expect(waitForDatabase(db, { timeoutMs: 500 })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await db.destroy();
    }
  });
});
