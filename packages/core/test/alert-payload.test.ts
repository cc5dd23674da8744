import { describe, expect, it } from 'vitest';
import {
  buildAcknowledgedAlertPayload,
  buildAlertPayload,
  buildTestAlertPayload,
} from '../src/alert-payload';
import { monitorTarget } from '../src/check-types';
import type { StoredMonitorConfig } from '../src/schemas/monitor';

const config = (fields: Record<string, unknown>) => ({ name: 'Checkout', ...fields }) as StoredMonitorConfig;

describe('alert payloads', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    [
      'an http URL without its user info and with secret query values masked',
      { type: 'http', url: 'https://user:pw@shop.example.com/health?token=abc&x=1' },
      'https://shop.example.com/health?token=********&x=1',
    ],
    ['a tcp host and port', { type: 'tcp', host: 'db.internal', port: 5432 }, 'tcp://db.internal:5432'],
    ['a tls host and port', { type: 'tls', host: 'example.com', port: 443 }, 'tls://example.com:443'],
    ['a host without a port', { type: 'dns', host: 'example.com' }, 'dns://example.com'],
    ['nothing for a heartbeat', { type: 'heartbeat' }, null],
  ])('shows receivers %s', (_case, fields, expected) => {
    expect(monitorTarget(config(fields))).toBe(expected);
  });

  it('names the monitor and its incident, and masks a URL in the cause', () => {
    const payload = buildAlertPayload({
      alertId: 'a1',
      event: 'monitor.up',
      occurredAtMs: Date.parse('2026-01-05T09:17:20Z'),
      monitorId: 'm1',
      config: config({ type: 'http', url: 'https://shop.example.com/' }),
      incident: {
        id: 'i1',
        opened_at: new Date('2026-01-05T09:14:00Z'),
        resolved_at: new Date('2026-01-05T09:17:20Z'),
      },
      cause: 'HTTP 500 from https://shop.example.com/?api_key=k',
    });
    expect(payload).toEqual({
      id: 'a1',
      event: 'monitor.up',
      occurredAt: '2026-01-05T09:17:20.000Z',
      monitor: { id: 'm1', name: 'Checkout', url: 'https://shop.example.com/' },
      incident: { id: 'i1', openedAt: '2026-01-05T09:14:00.000Z', resolvedAt: '2026-01-05T09:17:20.000Z' },
      cause: 'HTTP 500 from https://shop.example.com/?api_key=********',
    });
  });

  it('makes a test alert that names the channel, with no monitor behind it and no incident', () => {
    expect(buildTestAlertPayload({ alertId: 't1', occurredAtMs: 0, channelName: '#ops-alerts' })).toEqual({
      id: 't1',
      event: 'test',
      occurredAt: '1970-01-01T00:00:00.000Z',
      monitor: { id: 'test', name: 'SentinelMesh test alert', url: null },
      incident: null,
      cause: 'A test alert for channel "#ops-alerts": delivery works.',
    });
  });

  it('makes an acknowledgement that names the incident, who acknowledged it and when', () => {
    const payload = buildAcknowledgedAlertPayload({
      alertId: 'k1',
      acknowledgedAtMs: Date.parse('2026-01-05T09:15:00Z'),
      by: 'oncall@example.com',
      monitorId: 'm1',
      config: config({ type: 'http', url: 'https://shop.example.com/' }),
      incident: { id: 'i1', opened_at: new Date('2026-01-05T09:14:00Z'), resolved_at: null },
      cause: 'HTTP 500',
    });
    expect(payload).toEqual({
      id: 'k1',
      event: 'incident.acknowledged',
      occurredAt: '2026-01-05T09:15:00.000Z',
      monitor: { id: 'm1', name: 'Checkout', url: 'https://shop.example.com/' },
      incident: { id: 'i1', openedAt: '2026-01-05T09:14:00.000Z', resolvedAt: null },
      cause: 'HTTP 500',
      acknowledgement: { at: '2026-01-05T09:15:00.000Z', by: 'oncall@example.com' },
    });
  });
});
