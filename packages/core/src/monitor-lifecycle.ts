import type { MonitorStatus } from './schemas/monitor';

/** The life-cycle facts of a monitor: its configured pause and the status its state row shows. */
export interface LifecycleFacts {
  paused: boolean;
  status?: MonitorStatus | null;
}

/** Whether a monitor is active: its checks are scheduled and its results judged. */
export function isActive(monitor: LifecycleFacts): boolean {
  return !monitor.paused && monitor.status !== 'paused';
}

/**
 * The status a monitor shows when it is created, paused or resumed: `paused` at once, else `pending`
 * until its first verdict (a resumed monitor starts again from `pending`).
 */
export function lifecycleStatus(paused: boolean): Extract<MonitorStatus, 'paused' | 'pending'> {
  return paused ? 'paused' : 'pending';
}
