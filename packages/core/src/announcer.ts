import type { MonitorStatus } from './schemas/monitor';
import type { MachineState, Transition, Verdict } from './state-machine';

/** What receivers were last told about a monitor; `pending` until it first settles. */
export type AnnouncedStatus = 'pending' | 'up' | 'down' | 'flapping';
export type NoticeEvent = 'monitor.down' | 'monitor.up' | 'monitor.flapping';

/** One thing to tell the monitor's channels (and to record as an incident change). */
export interface Notice {
  event: NoticeEvent;
  atMs: number;
  cause: string | null;
}

/** The part of the verifier's memory that decides what is announced. */
export interface AnnouncerState {
  announced: AnnouncedStatus;
  /** Times (epoch ms) of recent up/down changes of the underlying state, for flap detection. */
  flips: number[];
  /** Why the monitor is down, kept for a down notice sent later (after maintenance or flapping). */
  downCause: string | null;
}

export const initialAnnouncerState: AnnouncerState = { announced: 'pending', flips: [], downCause: null };

/** Rate-based flap detection: `threshold` changes within `windowMs` is flapping; `stableMs` without one ends it. */
export interface FlapPolicy {
  windowMs: number;
  threshold: number;
  stableMs: number;
}

export const FLAP_THRESHOLD = 4;

/** The flap policy for a monitor's interval: a window of 20 intervals (at least 10 min), stable after 10 (at least 3 min). */
export function flapPolicyFor(intervalSeconds: number): FlapPolicy {
  return {
    windowMs: Math.max(10 * 60_000, 20 * intervalSeconds * 1000),
    threshold: FLAP_THRESHOLD,
    stableMs: Math.max(3 * 60_000, 10 * intervalSeconds * 1000),
  };
}

export interface AnnounceInput {
  /** The machine state after the verdict. */
  machine: MachineState;
  transition: Transition | null;
  verdict: Verdict;
  /** When the verdict was observed (epoch ms). */
  atMs: number;
  inMaintenance: boolean;
  policy: FlapPolicy;
}

export interface Announcement {
  state: AnnouncerState;
  notice: Notice | null;
  /** The status to show for the monitor after this verdict. */
  display: MonitorStatus;
}

const eventFor = (status: 'up' | 'down'): NoticeEvent => (status === 'up' ? 'monitor.up' : 'monitor.down');

function flappingCause(flips: number, windowMs: number): string {
  return `flapping: ${flips} state changes within ${Math.round(windowMs / 60_000)} min`;
}

/**
 * Decides what to tell receivers after one verdict. The machine keeps deciding up/down on every
 * verdict; this layer keeps quiet during maintenance and while flapping, and announces the state
 * that holds once either is over, so receivers hear one notice per real change.
 */
export function announce(state: AnnouncerState, input: AnnounceInput): Announcement {
  const { machine, transition, verdict, atMs, inMaintenance, policy } = input;
  const flipped = transition !== null && transition.from !== 'pending' && !inMaintenance;
  const flips = [...state.flips, ...(flipped ? [atMs] : [])].filter((t) => t > atMs - policy.windowMs);
  let downCause: string | null = null;
  if (machine.status === 'down') {
    downCause = transition?.to === 'down' ? transition.cause : (state.downCause ?? verdict.cause);
  }
  const next: AnnouncerState = { ...state, flips, downCause };
  const settled = machine.status;

  if (inMaintenance) return { state: next, notice: null, display: 'maintenance' };

  if (state.announced === 'flapping') {
    const last = flips.at(-1);
    if (settled === 'pending' || (last !== undefined && atMs - last < policy.stableMs)) {
      return { state: next, notice: null, display: 'flapping' };
    }
    return {
      state: { ...next, announced: settled, flips: [] },
      notice: { event: eventFor(settled), atMs, cause: settled === 'down' ? downCause : null },
      display: settled,
    };
  }

  if (flipped && flips.length >= policy.threshold) {
    return {
      state: { ...next, announced: 'flapping' },
      notice: { event: 'monitor.flapping', atMs, cause: flappingCause(flips.length, policy.windowMs) },
      display: 'flapping',
    };
  }

  if (settled === 'pending' || settled === state.announced) {
    return { state: next, notice: null, display: settled };
  }
  if (settled === 'up' && state.announced === 'pending') {
    // A new monitor coming up is no news.
    return { state: { ...next, announced: 'up' }, notice: null, display: 'up' };
  }
  return {
    state: { ...next, announced: settled },
    notice: { event: eventFor(settled), atMs, cause: settled === 'down' ? downCause : null },
    display: settled,
  };
}
