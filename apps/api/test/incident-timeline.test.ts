import { describe, expect, it } from 'vitest';
import { buildTimeline, type TimelineCheck, type TimelineInput } from '../src/services/incident-timeline';

const t = (seconds: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, seconds)).toISOString();

const check = (seconds: number, region: string, ok: boolean, kind: TimelineCheck['kind'] = 'scheduled') => ({
  scheduledAt: t(seconds),
  checkedAt: t(seconds + 1),
  region,
  kind,
  ok,
  statusCode: ok ? 200 : 500,
  latencyMs: 30,
  error: ok ? null : { kind: 'http_status', message: 'HTTP 500' },
});

const base: TimelineInput = {
  openedAt: t(20),
  resolvedAt: null,
  cause: 'HTTP 500',
  acknowledgedAt: null,
  acknowledger: null,
  checks: [],
  alerts: [],
};

const types = (input: Partial<TimelineInput>) => buildTimeline({ ...base, ...input }).map((e) => e.type);

describe('buildTimeline', () => {
  it('starts with the first failed slot and counts the confirmations up to the deciding one', () => {
    const events = buildTimeline({
      ...base,
      checks: [
        check(0, 'eu', true),
        check(10, 'eu', false),
        check(10, 'us', true),
        check(15, 'eu', false, 'confirmation'),
        check(15, 'us', false, 'confirmation'),
        check(20, 'eu', false, 'confirmation'),
        check(20, 'us', false, 'confirmation'),
        check(30, 'eu', false),
      ],
    });
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['first_failure', t(10)],
      ['confirmation', t(15)],
      ['confirmation', t(20)],
      ['opened', t(20)],
    ]);
    expect(events[0]).toMatchObject({
      failedRegions: 1,
      totalRegions: 2,
      regions: [
        { region: 'eu', ok: false, cause: 'HTTP 500' },
        { region: 'us', ok: true, cause: null },
      ],
    });
  });

  it('puts the acknowledgement before the alerts it caused, and ends with the resolution and its duration', () => {
    const alert = (id: string, at: string, event: string) => ({
      id,
      createdAt: at,
      event,
      channelId: 'c1',
      recipient: { type: 'channel' as const, id: 'c1', name: 'Ops' },
      channelName: 'Ops',
      channelType: 'webhook',
      status: 'sent' as const,
      attempts: 1,
      sentAt: at,
      lastError: null,
      attemptLog: [{ statusCode: 500 }, { statusCode: 204 }],
    });
    const events = buildTimeline({
      ...base,
      acknowledgedAt: t(40),
      acknowledger: { kind: 'user', id: 'u1', name: 'oncall@example.com' },
      resolvedAt: t(95),
      alerts: [alert('a2', t(40), 'incident.acknowledged'), alert('a1', t(20), 'monitor.down')],
    });
    expect(events.map((e) => e.type)).toEqual(['opened', 'alert', 'acknowledged', 'alert', 'resolved']);
    expect(events[1]).toMatchObject({ alertId: 'a1', lastStatusCode: 204, channel: { name: 'Ops' } });
    expect(events[4]).toEqual({ type: 'resolved', at: t(95), durationSeconds: 75 });
  });

  it('has only the opening when no failed check is kept', () => {
    expect(types({ checks: [check(0, 'eu', true)] })).toEqual(['opened']);
  });
});
