import { z } from 'zod';

/**
 * The monitor field for a slot's quorum: how many regions must fail for the slot to count as
 * failed. Absent means a majority of the monitor's regions. Spread into the monitor schema.
 */
export const quorumShape = {
  quorum: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('regions that must fail for a check to count as failed; default: a majority'),
};

/** A strict majority of `regions` (1 of 1, 2 of 2, 2 of 3, 3 of 4). */
export const majorityOf = (regions: number): number => Math.floor(Math.max(1, regions) / 2) + 1;

/**
 * Failures needed for a failed slot: the configured quorum (else a majority of the regions
 * expected), never more than the results that arrived, so a silent region cannot mask an outage.
 */
export function requiredFailures(input: {
  quorum: number | null;
  expected: number;
  received: number;
}): number {
  const expected = Math.max(input.expected, input.received);
  const wanted = input.quorum ?? majorityOf(expected);
  return Math.max(1, Math.min(wanted, expected, input.received));
}

/** Reads `quorum` from a stored monitor config defensively (older configs have none). */
export function readQuorum(config: unknown): number | null {
  const value = (config as { quorum?: unknown } | null)?.quorum;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : null;
}
