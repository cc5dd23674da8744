import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import {
  type CheckOutcome,
  type CheckPhases,
  type CheckSpecOf,
  checkTypes,
  emptyPhases,
  evaluateAssertions,
  type FailedAssertion,
} from '@sentinelmesh/core';
import { assertLiteralAllowed, classifyAddress, guardedLookup } from '@sentinelmesh/platform';
import WebSocket from 'ws';
import type { CheckContext } from './context';
import { answeredOutcome, classifyError, failedOutcome, shorten } from './outcome';

const WS_SOURCES: ReadonlySet<string> = new Set(checkTypes.websocket.assertions.sources);

/** The largest message accepted from the target; a bigger one ends the check. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * A WebSocket check: opens the connection through the target guard (the host is resolved once and
 * the socket dials exactly the checked address), timing DNS, connect, TLS and the upgrade; then,
 * when the monitor sends a message or expects one, waits for the first message and judges it with
 * `expect` and body assertions. An answer that is not a 101 upgrade fails as `protocol`.
 */
export function websocketCheck(spec: CheckSpecOf<'websocket'>, ctx: CheckContext): Promise<CheckOutcome> {
  const url = new URL(spec.url);
  const host = bare(url.hostname);
  try {
    assertLiteralAllowed(host, ctx.allowPrivateTargets);
  } catch (error) {
    return Promise.resolve(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs })));
  }
  const secure = url.protocol === 'wss:';
  const lookup = guardedLookup({ allowPrivate: ctx.allowPrivateTargets });
  const started = performance.now();
  const phases: CheckPhases = { ...emptyPhases, dnsMs: classifyAddress(host) ? 0 : null };
  let readyAt: number | null = null;
  let openedAt: number | null = null;
  let sentAt: number | null = null;
  let replyMs: number | null = null;

  // ws hands the request's options (host, port, and for wss the TLS settings) to this.
  const createConnection = (options: object): Socket => {
    const socket = secure
      ? tlsConnect({
          ...options,
          path: undefined,
          lookup,
          servername: classifyAddress(host) ? undefined : host,
        })
      : netConnect({ ...(options as { port: number; host: string }), path: undefined, lookup });
    socket.once('lookup', () => {
      phases.dnsMs = performance.now() - started;
    });
    socket.once('connect', () => {
      const now = performance.now();
      phases.connectMs = now - started - (phases.dnsMs ?? 0);
      if (!secure) readyAt = now;
    });
    socket.once('secureConnect', () => {
      readyAt = performance.now();
      phases.tlsMs = readyAt - started - (phases.dnsMs ?? 0) - (phases.connectMs ?? 0);
    });
    return socket;
  };

  const awaitMessage = spec.message !== undefined || spec.expect !== undefined;
  return new Promise((resolve) => {
    let settled = false;
    const ws = new WebSocket(spec.url, spec.subprotocol ? [spec.subprotocol] : [], {
      headers: spec.headers,
      // The check's own timer ends it first; this is a backstop.
      handshakeTimeout: spec.timeoutMs + 1000,
      maxPayload: MAX_WS_MESSAGE_BYTES,
      perMessageDeflate: false,
      followRedirects: false,
      createConnection: createConnection as never,
    });
    const measured = () => ({
      statusCode: null,
      latencyMs: performance.now() - started,
      phases,
      certExpiresAt: null,
    });
    const details = () => [
      {
        label: 'Upgrade',
        value: phases.ttfbMs === null ? null : Math.round(phases.ttfbMs),
        unit: 'ms' as const,
      },
      ...(awaitMessage
        ? [{ label: 'Reply', value: replyMs === null ? null : Math.round(replyMs), unit: 'ms' as const }]
        : []),
      { label: 'Subprotocol', value: ws.protocol || null },
    ];
    const finish = (outcome: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve({ ...outcome, details: details() });
    };
    const fail = (error: unknown) =>
      finish(failedOutcome(classifyError(error, { timeoutMs: spec.timeoutMs }), measured()));
    const judge = (body: string | null, missing: FailedAssertion[]) => {
      const observed = measured();
      const failed = evaluateAssertions(
        spec.assertions.filter((a) => WS_SOURCES.has(a.source)),
        { ...observed, headers: {}, body },
        ctx.now(),
      );
      finish(answeredOutcome(observed, [...missing, ...failed]));
    };
    const timer = setTimeout(
      () => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      spec.timeoutMs,
    );

    ws.on('upgrade', () => {
      openedAt = performance.now();
      phases.ttfbMs = openedAt - (readyAt ?? started);
    });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      finish(
        failedOutcome(
          {
            kind: 'protocol',
            message: `the server answered the upgrade with HTTP ${response.statusCode}, not 101`,
          },
          { ...measured(), statusCode: response.statusCode ?? null },
        ),
      );
    });
    ws.on('open', () => {
      if (!awaitMessage) return judge(null, []);
      if (spec.message !== undefined) {
        ws.send(spec.message, (error) => {
          if (error) fail(error);
        });
      }
      sentAt = performance.now();
    });
    ws.on('message', (data: WebSocket.RawData) => {
      replyMs = performance.now() - (sentAt ?? openedAt ?? started);
      phases.transferMs = replyMs;
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const body = buffer.toString('utf8');
      const missing: FailedAssertion[] =
        spec.expect && !body.includes(spec.expect)
          ? [{ source: 'body', op: 'contains', expected: spec.expect, actual: body.slice(0, 200) }]
          : [];
      judge(body, missing);
    });
    ws.on('close', (code, reason) => {
      finish(
        failedOutcome(
          {
            kind: 'protocol',
            message: shorten(
              `the server closed the WebSocket before replying (${code}${reason.length ? ` ${reason}` : ''})`,
            ),
          },
          measured(),
        ),
      );
    });
    ws.on('error', (error) => {
      const known = classifyError(error, { timeoutMs: spec.timeoutMs });
      if (known.kind !== 'internal') return finish(failedOutcome(known, measured()));
      // Connected but the handshake never finished (EPROTO: the server does not speak TLS).
      const inHandshake = secure && phases.connectMs !== null && readyAt === null;
      // Anything else ws reports (a bad accept key, a refused subprotocol, a broken frame) is the
      // server breaking the protocol.
      const kind = inHandshake ? 'tls' : 'protocol';
      finish(
        failedOutcome(
          { kind, message: shorten(`${kind === 'tls' ? 'TLS: ' : ''}${error.message}`) },
          measured(),
        ),
      );
    });
  });
}
