import { describe, expect, it } from 'vitest';
import type { VerifyStep } from '../src/consume-results';
import { liveEventSchema, liveEventsOfSteps, orgEventsChannel } from '../src/live-events';

const monitorId = '6f1c4d7e-8a2b-4c3d-9e0f-1a2b3c4d5e6f';
const T = Date.UTC(2026, 10, 29, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function step(atMs: number, ok: boolean, extra: Partial<VerifyStep> = {}): VerifyStep {
  return {
    verdict: { scheduledAtMs: atMs, kind: 'scheduled', attempt: 0, ok, cause: ok ? null : 'HTTP 500' },
    transition: null,
    notice: null,
    display: ok ? 'up' : 'down',
    probeProblem: null,
    ...extra,
  };
}

describe('liveEventsOfSteps', () => {
  const cases: Array<{ name: string; steps: VerifyStep[]; events: unknown[] }> = [
    { name: 'a run without verdicts announces nothing', steps: [], events: [] },
    {
      name: 'verdicts without a change announce one check, with the status after the last',
      steps: [step(T, true), step(T + 1000, true)],
      events: [{ type: 'monitor.checked', monitorId, status: 'up', at: iso(T + 1000) }],
    },
    {
      name: 'a down notice announces the status and the incident it opens, then the check',
      steps: [
        step(T, false, {
          transition: { from: 'up', to: 'down', atMs: T, cause: 'HTTP 500' },
          notice: { event: 'monitor.down', atMs: T, cause: 'HTTP 500' },
        }),
      ],
      events: [
        { type: 'monitor.status', monitorId, status: 'down', at: iso(T) },
        { type: 'incident.opened', monitorId, at: iso(T) },
        { type: 'monitor.checked', monitorId, status: 'down', at: iso(T) },
      ],
    },
    {
      name: 'an up notice announces the incident resolved',
      steps: [
        step(T, true, {
          transition: { from: 'down', to: 'up', atMs: T, cause: null },
          notice: { event: 'monitor.up', atMs: T, cause: null },
        }),
      ],
      events: [
        { type: 'monitor.status', monitorId, status: 'up', at: iso(T) },
        { type: 'incident.resolved', monitorId, at: iso(T) },
        { type: 'monitor.checked', monitorId, status: 'up', at: iso(T) },
      ],
    },
    {
      name: 'a transition kept silent (maintenance) still announces the status, but no incident',
      steps: [
        step(T, false, {
          transition: { from: 'up', to: 'down', atMs: T, cause: 'HTTP 500' },
          display: 'maintenance',
        }),
      ],
      events: [
        { type: 'monitor.status', monitorId, status: 'maintenance', at: iso(T) },
        { type: 'monitor.checked', monitorId, status: 'maintenance', at: iso(T) },
      ],
    },
  ];

  it.each(cases)('$name', ({ steps, events }) => {
    const announced = liveEventsOfSteps(monitorId, steps);
    expect(announced).toEqual(events);
    for (const event of announced) expect(liveEventSchema.parse(event)).toEqual(event);
  });
});

describe('orgEventsChannel', () => {
  it('gives each organization its own channel under the deployment prefix', () => {
    expect(orgEventsChannel('sm', 'a')).toBe('sm:events:a');
    expect(orgEventsChannel('sm', 'a')).not.toBe(orgEventsChannel('sm', 'b'));
  });
});
