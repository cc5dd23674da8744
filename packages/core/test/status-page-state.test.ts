import { describe, expect, it } from 'vitest';
import {
  componentShownState,
  type DegradedSignals,
  degradedReason,
  monitorShownState,
  pageStatus,
  raisedByIncidents,
} from '../src/status-page-state';

const calm: DegradedSignals = {
  latestSlot: { reported: 3, failed: 0 },
  quorum: null,
  recent: { p95: 120, samples: 60 },
  baseline: { p95: 100, samples: 10_000 },
};

describe('degradedReason', () => {
  it.each([
    ['all regions passing at usual speed', {}, null],
    ['one of three regions failing the latest slot', { latestSlot: { reported: 3, failed: 1 } }, 'regions'],
    [
      'two of three failing (a failed verdict, not degraded)',
      { latestSlot: { reported: 3, failed: 2 } },
      null,
    ],
    ['one of two failing (below the majority of two)', { latestSlot: { reported: 2, failed: 1 } }, 'regions'],
    ['the only region failing (a failed verdict)', { latestSlot: { reported: 1, failed: 1 } }, null],
    [
      'two of five failing under a quorum of 3',
      { latestSlot: { reported: 5, failed: 2 }, quorum: 3 },
      'regions',
    ],
    ['one of three failing under a quorum of 1', { latestSlot: { reported: 3, failed: 1 }, quorum: 1 }, null],
    ['the last hour p95 above twice the week', { recent: { p95: 201, samples: 60 } }, 'slow'],
    ['the last hour p95 exactly twice the week', { recent: { p95: 200, samples: 60 } }, null],
    ['slow, but too few recent samples', { recent: { p95: 900, samples: 4 } }, null],
    [
      'slow, but too short a baseline',
      { recent: { p95: 900, samples: 60 }, baseline: { p95: 100, samples: 19 } },
      null,
    ],
    ['no latency at all', { recent: { p95: null, samples: 0 }, latestSlot: null }, null],
  ] as const)('%s → %s', (_name, change, expected) => {
    expect(degradedReason({ ...calm, ...change } as DegradedSignals)).toBe(expected);
  });
});

describe('shown states', () => {
  it('shows flapping and a degraded up monitor as degraded, and other statuses as they are', () => {
    expect(monitorShownState('up', false)).toBe('up');
    expect(monitorShownState('up', true)).toBe('degraded');
    expect(monitorShownState('flapping', false)).toBe('degraded');
    expect(monitorShownState('down', true)).toBe('down');
    expect(monitorShownState('paused', false)).toBe('paused');
    expect(monitorShownState('maintenance', false)).toBe('maintenance');
    expect(monitorShownState('pending', false)).toBe('pending');
  });

  it('gives a component the worst state of its monitors', () => {
    expect(componentShownState(['up', 'down', 'degraded'])).toBe('down');
    expect(componentShownState(['up', 'degraded'])).toBe('degraded');
    expect(componentShownState(['up', 'maintenance'])).toBe('maintenance');
    expect(componentShownState(['up', 'paused', 'pending'])).toBe('up');
    expect(componentShownState(['paused', 'pending'])).toBe('pending');
    expect(componentShownState(['paused'])).toBe('paused');
    expect(componentShownState([])).toBe('pending');
  });

  it('makes the page down if anything is down, degraded if anything is degraded, else operational', () => {
    expect(pageStatus(['up', 'degraded', 'down'])).toBe('down');
    expect(pageStatus(['up', 'degraded'])).toBe('degraded');
    expect(pageStatus(['up', 'maintenance', 'paused', 'pending'])).toBe('operational');
    expect(pageStatus([])).toBe('operational');
  });

  it('lets a posted incident raise the page status but never lower it', () => {
    expect(raisedByIncidents('operational', [])).toBe('operational');
    expect(raisedByIncidents('operational', [{ impact: 'degraded' }])).toBe('degraded');
    expect(raisedByIncidents('operational', [{ impact: 'partial_outage' }])).toBe('degraded');
    expect(raisedByIncidents('degraded', [{ impact: 'major_outage' }])).toBe('down');
    expect(raisedByIncidents('down', [{ impact: 'degraded' }])).toBe('down');
    expect(raisedByIncidents('degraded', [])).toBe('degraded');
  });
});
