import { z } from 'zod';
import { type AnnouncerState, initialAnnouncerState } from './announcer';
import { type Gaps, resultDeadlineMs } from './result-lateness';
import { type ConfirmationRequest, initialMachineState, type MachineState } from './state-machine';

/** A region failing while too few others do: reported, never alerted. */
export interface ProbeProblem {
  regions: string[];
  cause: string;
  sinceMs: number;
  lastMs: number;
}

/** The verifier's persisted memory: machine state, what was announced, and what it waits for. */
export interface VerifierMemory extends MachineState, AnnouncerState {
  awaiting: ConfirmationRequest | null;
  /** When a held verification should run again even if no result pokes it (epoch ms). */
  wakeAtMs: number | null;
  probeProblem: ProbeProblem | null;
  /** The last scheduled slot consumed (epoch ms); null when unknown (new, or paused since). */
  lastSlotMs: number | null;
  /** Per expected region, the latest slot it reported (epoch ms). */
  seen: Record<string, number>;
  /** Regions declared degraded (silent too long): quorum is taken over the others until they report. */
  degraded: string[];
  /** Slots judged without a region's result: a result of theirs arriving later is counted late. */
  gaps: Gaps;
}

export const initialVerifierMemory: VerifierMemory = {
  ...initialMachineState,
  ...initialAnnouncerState,
  awaiting: null,
  wakeAtMs: null,
  probeProblem: null,
  lastSlotMs: null,
  seen: {},
  degraded: [],
  gaps: {},
};

const memorySchema = z.object({
  status: z.enum(['pending', 'up', 'down']),
  sinceMs: z.number().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  consecutiveSuccesses: z.number().int().nonnegative(),
  awaiting: z
    .object({ scheduledAtMs: z.number(), attempt: z.number().int().nonnegative() })
    .nullable()
    .default(null),
  announced: z.enum(['pending', 'up', 'down', 'flapping']).optional(),
  flips: z.array(z.number()).default([]),
  downCause: z.string().nullable().default(null),
  wakeAtMs: z.number().nullable().default(null),
  probeProblem: z
    .object({
      regions: z.array(z.string()),
      cause: z.string(),
      sinceMs: z.number(),
      lastMs: z.number(),
    })
    .nullable()
    .default(null),
  lastSlotMs: z.number().nullable().default(null),
  seen: z.record(z.string(), z.number()).default({}),
  degraded: z.array(z.string()).default([]),
  gaps: z
    .record(z.string(), z.array(z.object({ fromMs: z.number(), toMs: z.number(), open: z.boolean() })))
    .default({}),
});

/** Reads stored memory; anything unreadable (a new monitor's `{}`) starts from the initial state. */
export function readVerifierMemory(raw: unknown): VerifierMemory {
  const parsed = memorySchema.safeParse(raw);
  if (!parsed.success) return { ...initialVerifierMemory };
  // Memory written before announcements existed: what was announced is the state it had.
  return { ...parsed.data, announced: parsed.data.announced ?? parsed.data.status };
}

/** The time after which an awaited confirmation is given up on: its planned time, timeout and allowed lateness. */
export function confirmationDeadlineMs(
  awaiting: ConfirmationRequest,
  timeoutMs: number,
  latenessMs: number,
): number {
  return resultDeadlineMs(awaiting.scheduledAtMs, timeoutMs, latenessMs);
}
