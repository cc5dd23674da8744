import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/checks/index';
import { parsePingOutput } from '../src/checks/ping-output';
import { context } from './helpers';
import { pingSpec } from './net-servers';

const detail = (details: { label: string; value: unknown }[] | undefined, label: string) =>
  details?.find((d) => d.label === label)?.value;

describe('ping output', () => {
  it('reads replies, the summary and the round trips', () => {
    const report = parsePingOutput(
      [
        'PING 192.0.2.7 (192.0.2.7) 56(84) bytes of data.',
        '64 bytes from 192.0.2.7: icmp_seq=1 ttl=64 time=0.051 ms',
        '64 bytes from 192.0.2.7: icmp_seq=3 ttl=64 time=1.20 ms',
        '',
        '--- 192.0.2.7 ping statistics ---',
        '4 packets transmitted, 2 received, 50% packet loss, time 3003ms',
        'rtt min/avg/max/mdev = 0.051/0.625/1.200/0.574 ms',
      ].join('\n'),
    );
    expect(report).toEqual({ transmitted: 4, received: 2, rttsMs: [0.051, 1.2], unreachable: false });
  });

  it('does not count duplicates as replies, and notices an unreachable host', () => {
    const report = parsePingOutput(
      [
        '64 bytes from 192.0.2.7: icmp_seq=1 ttl=64 time=0.05 ms',
        '64 bytes from 192.0.2.7: icmp_seq=1 ttl=64 time=0.09 ms (DUP!)',
        'From 192.0.2.1 icmp_seq=2 Destination Host Unreachable',
        '3 packets transmitted, 1 received, +1 duplicates, +1 errors, 66.6667% packet loss, time 2002ms',
      ].join('\n'),
    );
    expect(report).toEqual({ transmitted: 3, received: 1, rttsMs: [0.05], unreachable: true });
  });

  it('reads nothing from output that is not ping’s', () => {
    expect(parsePingOutput('ping: socket: Operation not permitted')).toEqual({
      transmitted: 0,
      received: 0,
      rttsMs: [],
      unreachable: false,
    });
  });
});

describe('ping check', () => {
  it('pings loopback: no loss, round trips in details, average as the response time', async () => {
    const outcome = await runCheck(pingSpec('127.0.0.1'), context);
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(detail(outcome.details, 'Packets sent')).toBe(3);
    expect(detail(outcome.details, 'Packets received')).toBe(3);
    expect(detail(outcome.details, 'Packet loss')).toBe(0);
    const min = detail(outcome.details, 'RTT min') as number;
    const avg = detail(outcome.details, 'RTT avg') as number;
    const max = detail(outcome.details, 'RTT max') as number;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
    expect(outcome.latencyMs).toBe(Math.round(avg));
  });

  it('sends the number of packets asked for', async () => {
    const outcome = await runCheck(pingSpec('127.0.0.1', { count: 1 }), context);
    expect(outcome.ok).toBe(true);
    expect(detail(outcome.details, 'Packets sent')).toBe(1);
  });

  it('stops at the check’s timeout and judges the replies it had', async () => {
    const started = Date.now();
    const outcome = await runCheck(
      pingSpec('127.0.0.1', { count: 10, intervalMs: 500, timeoutMs: 1200 }),
      context,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(outcome).toMatchObject({ ok: true, error: null });
    const sent = detail(outcome.details, 'Packets sent') as number;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(10);
    expect(detail(outcome.details, 'Packets received')).toBeGreaterThan(0);
  });

  it('judges packet loss and round-trip assertions', async () => {
    const outcome = await runCheck(
      pingSpec('127.0.0.1', {
        count: 2,
        assertions: [
          { source: 'packetLossPercent', op: 'gt', value: 0 },
          { source: 'responseTimeMs', op: 'lt', value: 10_000 },
        ],
      }),
      context,
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'assertion' },
      failedAssertions: [{ source: 'packetLossPercent', op: 'gt', expected: 0, actual: 0 }],
    });
  });

  it('refuses a private target unless allowed, without sending anything', async () => {
    const outcome = await runCheck(pingSpec('127.0.0.1'), { ...context, allowPrivateTargets: false });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
    expect(outcome.details).toBeUndefined();
  });

  it('refuses a name that resolves to a private address', async () => {
    const outcome = await runCheck(pingSpec('localhost'), { ...context, allowPrivateTargets: false });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked_target' } });
  });

  it('fails with full loss, within its time, when nothing replies', async () => {
    // 198.51.100.0/24 is reserved for documentation: no host there answers an echo request.
    const started = Date.now();
    const outcome = await runCheck(pingSpec('198.51.100.1', { count: 2, timeoutMs: 1000 }), context);
    expect(outcome.ok).toBe(false);
    // Silence is a timeout; a network that says the host is unreachable makes it a connect failure.
    expect(['timeout', 'connect']).toContain(outcome.error?.kind);
    expect(detail(outcome.details, 'Packet loss')).toBe(100);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('fails as dns for a name that does not resolve', async () => {
    const outcome = await runCheck(pingSpec('nothing.invalid'), context);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'dns' } });
  });
});
