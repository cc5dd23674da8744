import {
  checkSpecSchema,
  type ProbeResult,
  type ProbeStats,
  probePollResponseSchema,
  probeResultsResponseSchema,
  probeSessionSchema,
  probeSlotSchema,
} from '@sentinelmesh/core';
import { z } from 'zod';

/**
 * The probe gateway's protocol as the probe reads it (core's probe-protocol; docs/probes.md), with
 * one difference: each slot's spec is parsed on its own, so a spec this probe cannot read (a check
 * type of a newer release) fails that check alone, not the whole poll.
 */
export const sessionSchema = probeSessionSchema;
export type Session = z.infer<typeof sessionSchema>;

export const dueCheckSchema = probeSlotSchema.extend({ spec: z.unknown() });
export type DueCheck = z.infer<typeof dueCheckSchema>;

export const pollAnswerSchema = probePollResponseSchema.extend({ checks: z.array(dueCheckSchema) });

export const resultsAnswerSchema = probeResultsResponseSchema;
export type ResultsAnswer = z.infer<typeof resultsAnswerSchema>;

/** One result as posted; the gateway stamps region and organization itself. */
export type WireResult = ProbeResult;

export { checkSpecSchema, type ProbeStats };
