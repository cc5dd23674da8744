import type { CheckError } from './check-result';

export const heartbeatStatuses = ['ok', 'fail'] as const;
export type HeartbeatStatus = (typeof heartbeatStatuses)[number];

/** The latest ping a heartbeat monitor received. */
export interface HeartbeatPing {
  at: Date;
  status: HeartbeatStatus;
  message: string | null;
}

export interface HeartbeatInput {
  periodSeconds: number;
  graceSeconds: number;
  lastPing: HeartbeatPing | null;
  /** When the monitor started waiting for pings (its creation): the deadline of a first ping counts from here. */
  watchingSince: Date;
  now: Date;
}

export interface HeartbeatVerdict {
  ok: boolean;
  /** Seconds since the last ping (or since watching began when none came). */
  silentSeconds: number;
  error: CheckError | null;
}

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));

/**
 * Judges a heartbeat monitor at `now`: down when its last ping reported a failure, or when no ping
 * arrived within periodSeconds + graceSeconds (of the last ping, or of the start of watching).
 */
export function evaluateHeartbeat(input: HeartbeatInput): HeartbeatVerdict {
  const { lastPing, now } = input;
  const reference = lastPing && lastPing.at > input.watchingSince ? lastPing.at : input.watchingSince;
  const silentSeconds = seconds(now.getTime() - reference.getTime());
  const allowed = input.periodSeconds + input.graceSeconds;
  if (silentSeconds > allowed) {
    const since = lastPing ? `no ping for ${silentSeconds} s` : `no ping yet after ${silentSeconds} s`;
    return {
      ok: false,
      silentSeconds,
      error: {
        kind: 'timeout',
        message: `${since} (expected every ${input.periodSeconds} s, grace ${input.graceSeconds} s)`,
      },
    };
  }
  if (lastPing?.status === 'fail') {
    const detail = lastPing.message ? `: ${lastPing.message.slice(0, 200)}` : '';
    return {
      ok: false,
      silentSeconds,
      error: { kind: 'assertion', message: `the job reported a failure${detail}` },
    };
  }
  return { ok: true, silentSeconds, error: null };
}
