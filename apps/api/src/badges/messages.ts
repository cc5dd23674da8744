import type { ShownState } from '@sentinelmesh/core';
import type { BadgeColor } from './svg';

/** What a badge says about a monitor's state, uptime or latency, and in which colour. */
export interface BadgeText {
  label: string;
  message: string;
  color: BadgeColor;
}

const stateColors: Record<ShownState, BadgeColor> = {
  up: 'brightgreen',
  degraded: 'yellow',
  down: 'red',
  maintenance: 'blue',
  paused: 'lightgrey',
  pending: 'lightgrey',
};

export const statusBadge = (name: string, state: ShownState): BadgeText => ({
  label: name,
  message: state,
  color: stateColors[state],
});

export function uptimeBadge(name: string, window: string, percent: number | null): BadgeText {
  if (percent === null) return { label: `${name} ${window}`, message: 'no data', color: 'lightgrey' };
  const color: BadgeColor =
    percent >= 99.9 ? 'brightgreen' : percent >= 99 ? 'green' : percent >= 95 ? 'yellow' : 'red';
  // Never round 99.996 up to a perfect 100%.
  const shown = percent >= 100 ? '100' : (Math.floor(percent * 100) / 100).toFixed(2);
  return { label: `${name} ${window}`, message: `${shown}%`, color };
}

export function latencyBadge(name: string, window: string, p95: number | null): BadgeText {
  if (p95 === null) return { label: `${name} p95 ${window}`, message: 'no data', color: 'lightgrey' };
  const color: BadgeColor = p95 < 300 ? 'brightgreen' : p95 < 1000 ? 'yellow' : 'orange';
  return { label: `${name} p95 ${window}`, message: `${Math.round(p95)} ms`, color };
}
