import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHealthResponse, encodeHealthRequest } from '../src/checks/grpc-check';
import { runCheck } from '../src/checks/index';
import { closedPort, context } from './helpers';
import { grpcSpec, type LocalServer, startGrpcHealth } from './net-servers';

let plain: LocalServer;
let secure: LocalServer;
let bare: LocalServer;

beforeAll(async () => {
  plain = await startGrpcHealth();
  secure = await startGrpcHealth({ tls: true });
  bare = await startGrpcHealth({ health: false });
});

afterAll(async () => {
  await plain?.close();
  await secure?.close();
  await bare?.close();
});

describe('health messages', () => {
  it('encodes the service name and reads the status, skipping unknown fields', () => {
    expect(encodeHealthRequest('')).toEqual(Buffer.alloc(0));
    expect(encodeHealthRequest('api')).toEqual(Buffer.from([0x0a, 3, 0x61, 0x70, 0x69]));
    expect(decodeHealthResponse(Buffer.from([0x08, 1]))).toBe(1);
    expect(decodeHealthResponse(Buffer.from([0x12, 1, 0x41, 0x08, 2]))).toBe(2);
    expect(decodeHealthResponse(Buffer.alloc(0))).toBe(0);
    expect(() => decodeHealthResponse(Buffer.from([0x08]))).toThrow();
  });
});

describe('grpc check', () => {
  it('is ok when the server is SERVING, with its timings', async () => {
    const outcome = await runCheck(grpcSpec('127.0.0.1', plain.port), context);
    expect(outcome).toMatchObject({
      ok: true,
      error: null,
      details: [{ label: 'Serving status', value: 'SERVING' }],
    });
    expect(outcome.phases.connectMs).not.toBeNull();
    expect(outcome.phases.ttfbMs).not.toBeNull();
  });

  it('opens a connection of its own for each check, so each times its connect', async () => {
    for (let i = 0; i < 2; i++) {
      const outcome = await runCheck(grpcSpec('127.0.0.1', plain.port), context);
      expect(outcome.ok).toBe(true);
      expect(outcome.phases.connectMs).not.toBeNull();
    }
  });

  it('asks about the named service', async () => {
    expect(await runCheck(grpcSpec('127.0.0.1', plain.port, { service: 'api' }), context)).toMatchObject({
      ok: true,
    });
  });

  it.each([
    ['down', 'NOT_SERVING'],
    ['unsure', 'UNKNOWN'],
    ['missing', 'SERVICE_UNKNOWN'],
  ])('fails as an assertion when service %s is %s', async (service, servingStatus) => {
    const outcome = await runCheck(grpcSpec('127.0.0.1', plain.port, { service }), context);
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'assertion' },
      failedAssertions: [{ source: 'servingStatus', op: 'eq', expected: 'SERVING', actual: servingStatus }],
      details: [{ label: 'Serving status', value: servingStatus }],
    });
  });

  it('judges response-time assertions', async () => {
    const outcome = await runCheck(
      grpcSpec('127.0.0.1', plain.port, { assertions: [{ source: 'responseTimeMs', op: 'lt', value: 0 }] }),
      context,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'assertion' } });
  });

  it('fails as protocol when the server has no health service', async () => {
    const outcome = await runCheck(grpcSpec('127.0.0.1', bare.port), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'protocol' } });
  });

  it('fails as a timeout when the answer does not come', async () => {
    const outcome = await runCheck(
      grpcSpec('127.0.0.1', plain.port, { service: 'slow', timeoutMs: 300 }),
      context,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('fails as connect when nothing listens', async () => {
    const outcome = await runCheck(grpcSpec('127.0.0.1', await closedPort()), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });

  it('fails as tls when the certificate is not trusted', async () => {
    const outcome = await runCheck(grpcSpec('localhost', secure.port, { transport: 'tls' }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('refuses a private target unless allowed', async () => {
    const strict = { ...context, allowPrivateTargets: false };
    expect(await runCheck(grpcSpec('127.0.0.1', plain.port), strict)).toMatchObject({
      ok: false,
      error: { kind: 'blocked_target' },
    });
    expect(await runCheck(grpcSpec('localhost', plain.port), strict)).toMatchObject({
      ok: false,
      error: { kind: 'blocked_target' },
    });
  });
});
