import { majorityOf } from './quorum';
import type { MonitorStatus } from './schemas/monitor';

/** What a status page shows for a monitor or a component. */
export const shownStates = ['up', 'degraded', 'down', 'maintenance', 'paused', 'pending'] as const;
export type ShownState = (typeof shownStates)[number];

/** Slow means the last hour's p95 above this many times the p95 of the seven days before it. */
export const SLOW_FACTOR = 2;
/** Fewer samples than these say nothing about speed: a quiet monitor is never called slow. */
export const MIN_RECENT_SAMPLES = 5;
export const MIN_BASELINE_SAMPLES = 20;

export interface DegradedSignals {
  /** The latest scheduled slot with results: regions that reported and how many failed. */
  latestSlot: { reported: number; failed: number } | null;
  /** The monitor's configured quorum (null: a majority of the regions that reported). */
  quorum: number | null;
  /** p95 latency of successful scheduled checks in the last hour and in the 7 days before it. */
  recent: { p95: number | null; samples: number };
  baseline: { p95: number | null; samples: number };
}

/** Why an `up` monitor is degraded, or null: a minority of regions failing its latest slot, or slow. */
export function degradedReason(signals: DegradedSignals): 'regions' | 'slow' | null {
  const slot = signals.latestSlot;
  if (slot && slot.failed > 0) {
    const needed = Math.min(signals.quorum ?? majorityOf(slot.reported), slot.reported);
    if (slot.failed < needed) return 'regions';
  }
  const { recent, baseline } = signals;
  if (
    recent.p95 !== null &&
    baseline.p95 !== null &&
    recent.samples >= MIN_RECENT_SAMPLES &&
    baseline.samples >= MIN_BASELINE_SAMPLES &&
    recent.p95 > SLOW_FACTOR * baseline.p95
  )
    return 'slow';
  return null;
}

/** A monitor's shown state: its status, with flapping and a degraded `up` shown as degraded. */
export function monitorShownState(status: MonitorStatus, degraded: boolean): ShownState {
  if (status === 'flapping') return 'degraded';
  if (status === 'up') return degraded ? 'degraded' : 'up';
  return status;
}

const precedence: readonly ShownState[] = ['down', 'degraded', 'maintenance', 'up', 'pending', 'paused'];

/** A component's state: the worst of its monitors' (down, degraded, maintenance, up, pending, paused). */
export function componentShownState(states: readonly ShownState[]): ShownState {
  for (const state of precedence) if (states.includes(state)) return state;
  return 'pending';
}

/** The page's headline: down if anything is down, degraded if anything is degraded, else operational. */
export function pageStatus(states: readonly ShownState[]): 'operational' | 'degraded' | 'down' {
  if (states.includes('down')) return 'down';
  if (states.includes('degraded')) return 'degraded';
  return 'operational';
}

/** How much of the service a posted status-page incident says is affected. */
export type PageIncidentImpact = 'degraded' | 'partial_outage' | 'major_outage';

/**
 * A posted incident can only raise the page's headline, never lower what the checks show: a major
 * outage reads as down, a partial outage or a degradation as at least degraded.
 */
export function raisedByIncidents(
  status: 'operational' | 'degraded' | 'down',
  incidents: readonly { impact: PageIncidentImpact }[],
): 'operational' | 'degraded' | 'down' {
  if (status === 'down' || incidents.some((i) => i.impact === 'major_outage')) return 'down';
  if (status === 'degraded' || incidents.length > 0) return 'degraded';
  return 'operational';
}
