import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { context } from './helpers';
import { type LocalServer, startUdpEcho, udpSpec } from './net-servers';

let echo: LocalServer;
let silent: LocalServer;
let closed: number;

beforeAll(async () => {
  echo = await startUdpEcho();
  silent = await startUdpEcho({ silent: true });
  const gone = await startUdpEcho();
  closed = gone.port;
  await gone.close();
});

afterAll(async () => {
  await echo?.close();
  await silent?.close();
});

describe('udp check', () => {
  it('sends the payload and judges the reply', async () => {
    const outcome = await runCheck(
      udpSpec('127.0.0.1', echo.port, { payload: 'hi', expect: 'echo:hi' }),
      context,
    );
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(outcome.phases.ttfbMs).not.toBeNull();
    expect(outcome.details).toEqual([
      { label: 'Bytes sent', value: 2, unit: 'bytes' },
      { label: 'Bytes received', value: 7, unit: 'bytes' },
    ]);
  });

  it('sends and matches hex payloads', async () => {
    const outcome = await runCheck(
      udpSpec('127.0.0.1', echo.port, { payload: 'de ad be ef', payloadEncoding: 'hex', expect: 'deadbeef' }),
      context,
    );
    expect(outcome).toMatchObject({ ok: true });
  });

  it('fails as an assertion when the reply lacks what is expected', async () => {
    const outcome = await runCheck(udpSpec('127.0.0.1', echo.port, { expect: 'pong' }), context);
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'assertion' },
      failedAssertions: [{ source: 'body', op: 'contains', expected: 'pong', actual: 'echo:ping' }],
    });
  });

  it('judges body assertions with RE2 patterns', async () => {
    const outcome = await runCheck(
      udpSpec('127.0.0.1', echo.port, {
        assertions: [{ source: 'body', op: 'matches', value: '^echo:p[io]ng$' }],
      }),
      context,
    );
    expect(outcome.ok).toBe(true);
    const failing = await runCheck(
      udpSpec('127.0.0.1', echo.port, { assertions: [{ source: 'body', op: 'matches', value: '^pong' }] }),
      context,
    );
    expect(failing).toMatchObject({ ok: false, error: { kind: 'assertion' } });
  });

  it('fails as a timeout when no reply comes', async () => {
    const outcome = await runCheck(udpSpec('127.0.0.1', silent.port, { timeoutMs: 300 }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('is ok without a reply when none is awaited', async () => {
    const outcome = await runCheck(udpSpec('127.0.0.1', silent.port, { awaitReply: false }), context);
    expect(outcome).toMatchObject({ ok: true, error: null });
  });

  it('fails as connect when the port is closed (ICMP port unreachable)', async () => {
    const outcome = await runCheck(udpSpec('127.0.0.1', closed, { awaitReply: false }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });

  it('refuses a private target unless allowed', async () => {
    const outcome = await runCheck(udpSpec('127.0.0.1', echo.port), {
      ...context,
      allowPrivateTargets: false,
    });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
  });
});
