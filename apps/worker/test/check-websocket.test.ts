import { fillMasks, SECRET_MASK, splitSecrets } from '@sentinelmesh/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { closedPort, context } from './helpers';
import { startWsServer, type WsServer, websocketSpec } from './net-servers';

let server: WsServer;

beforeAll(async () => {
  server = await startWsServer();
});

afterAll(async () => {
  await server?.close();
});

const detail = (details: { label: string; value: unknown }[] | undefined, label: string) =>
  details?.find((d) => d.label === label)?.value;

describe('websocket check', () => {
  it('opens the connection, timing connect and upgrade', async () => {
    const outcome = await runCheck(websocketSpec(server.url('/silent')), context);
    expect(outcome).toMatchObject({ ok: true, error: null, phases: { dnsMs: 0, tlsMs: null } });
    expect(outcome.phases.connectMs).not.toBeNull();
    expect(outcome.phases.ttfbMs).not.toBeNull();
    expect(detail(outcome.details, 'Upgrade')).toBe(outcome.phases.ttfbMs);
  });

  it('sends headers and a subprotocol, and reports the one chosen', async () => {
    const outcome = await runCheck(
      websocketSpec(server.url('/silent'), { headers: { 'x-token': 'abc' }, subprotocol: 'chat' }),
      context,
    );
    expect(outcome.ok).toBe(true);
    expect(server.lastHeaders()?.['x-token']).toBe('abc');
    expect(server.lastHeaders()?.['sec-websocket-protocol']).toBe('chat');
    expect(detail(outcome.details, 'Subprotocol')).toBe('chat');
  });

  it('sends a message and judges the reply', async () => {
    const outcome = await runCheck(
      websocketSpec(server.url('/echo'), {
        message: '{"op":"ping"}',
        expect: 'ping',
        assertions: [{ source: 'body', op: 'matches', value: '"op":\\s*"ping"' }],
      }),
      context,
    );
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(typeof detail(outcome.details, 'Reply')).toBe('number');
  });

  it('waits for a greeting when it only expects one', async () => {
    const outcome = await runCheck(websocketSpec(server.url('/greet'), { expect: 'hello' }), context);
    expect(outcome.ok).toBe(true);
  });

  it('fails as an assertion when the reply lacks what is expected', async () => {
    const outcome = await runCheck(
      websocketSpec(server.url('/echo'), { message: 'one', expect: 'two' }),
      context,
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'assertion' },
      failedAssertions: [{ source: 'body', op: 'contains', expected: 'two', actual: 'one' }],
    });
  });

  it('fails as a timeout when no reply comes', async () => {
    const outcome = await runCheck(
      websocketSpec(server.url('/silent'), { message: 'hi', timeoutMs: 300 }),
      context,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('fails as protocol when the server refuses the upgrade', async () => {
    const outcome = await runCheck(websocketSpec(server.url('/forbidden')), context);
    expect(outcome).toMatchObject({ ok: false, statusCode: 403, error: { kind: 'protocol' } });
  });

  it('fails as protocol when the server closes before replying', async () => {
    const outcome = await runCheck(websocketSpec(server.url('/close'), { expect: 'x' }), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(outcome.error?.message).toContain('1011');
  });

  it('fails as connect when nothing listens', async () => {
    const port = await closedPort();
    const outcome = await runCheck(websocketSpec(`ws://127.0.0.1:${port}/`), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'connect' } });
  });

  it('fails as tls against a plain server over wss', async () => {
    const outcome = await runCheck(websocketSpec(`wss://127.0.0.1:${server.port}/silent`), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'tls' } });
  });

  it('refuses a private literal and a name that resolves to one, unless allowed', async () => {
    const strict = { ...context, allowPrivateTargets: false };
    const literal = await runCheck(websocketSpec(server.url('/silent')), strict);
    expect(literal).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    const named = await runCheck(websocketSpec(`ws://localhost:${server.port}/silent`), strict);
    expect(named).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    expect(server.lastHeaders()).not.toBeNull();
  });

  it('keeps header values and URL secrets out of the job, and sends the real ones once filled', async () => {
    const spec = websocketSpec(`${server.url('/silent')}?token=s3cret`, {
      headers: { authorization: 'Bearer abc' },
    });
    const { config: masked, secrets } = splitSecrets(spec);
    expect(JSON.stringify(masked)).not.toContain('s3cret');
    expect(masked.headers).toEqual({ authorization: SECRET_MASK });
    const { config: filled, problems } = fillMasks(masked, secrets);
    expect(problems).toEqual([]);
    const outcome = await runCheck(filled, context);
    expect(outcome.ok).toBe(true);
    expect(server.lastHeaders()?.authorization).toBe('Bearer abc');
  });
});
