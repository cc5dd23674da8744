import { z } from 'zod';
import { type AnnouncerState, initialAnnouncerState } from './announcer';
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
}

export const initialVerifierMemory: VerifierMemory = {
  ...initialMachineState,
  ...initialAnnouncerState,
  awaiting: null,
  wakeAtMs: null,
  probeProblem: null,
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
});

/** Reads stored memory; anything unreadable (a new monitor's `{}`) starts from the initial state. */
export function readVerifierMemory(raw: unknown): VerifierMemory {
  const parsed = memorySchema.safeParse(raw);
  if (!parsed.success) return { ...initialVerifierMemory };
  // Memory written before announcements existed: what was announced is the state it had.
  return { ...parsed.data, announced: parsed.data.announced ?? parsed.data.status };
}

/** How long past a check's planned time (beyond its own timeout) its results are waited for. */
export const CONFIRMATION_GRACE_MS = 5_000;

/** The time after which an awaited confirmation is given up on. */
export function confirmationDeadlineMs(awaiting: ConfirmationRequest, timeoutMs: number): number {
  return awaiting.scheduledAtMs + timeoutMs + CONFIRMATION_GRACE_MS;
}
