import { type CheckDetail, type checkErrorSchema, checkKinds, checkSpecSchema } from '@sentinelmesh/core';
import { z } from 'zod';

/**
 * The probe gateway's protocol as the probe reads it (docs/probes.md describes every exchange).
 * Answers are parsed like any other input from the network: a gateway of another release that
 * answers something else is an error the probe reports, not a crash.
 */
export const sessionSchema = z.object({
  probeId: z.string().min(1),
  region: z.string().min(1),
  organizationId: z.string().nullable(),
  allowPrivateTargets: z.boolean(),
  serverTime: z.iso.datetime({ offset: true }),
  pollWaitMs: z.number().int().positive().max(120_000),
  maxResultsPerPost: z.number().int().positive(),
});
export type Session = z.infer<typeof sessionSchema>;

/** One slot handed over: each spec is checked on its own, so one the probe cannot read is skipped. */
export const dueCheckSchema = z.object({
  monitorId: z.string().min(1),
  scheduledAt: z.iso.datetime({ offset: true }),
  kind: z.enum(checkKinds),
  attempt: z.number().int().nonnegative(),
  spec: z.unknown(),
});
export type DueCheck = z.infer<typeof dueCheckSchema>;

export const pollAnswerSchema = z.object({
  serverTime: z.iso.datetime({ offset: true }).optional(),
  checks: z.array(dueCheckSchema),
});

export { checkSpecSchema };

export interface ProbeStats {
  checksPerSecond: number;
  lagP99Ms: number;
  heldResults: number;
  droppedResults: number;
}

/** One result as posted; the gateway stamps region and organization itself. */
export interface WireResult {
  monitorId: string;
  scheduledAt: string;
  checkedAt: string;
  kind: (typeof checkKinds)[number];
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  phases: Record<string, number | null>;
  certExpiresAt: string | null;
  error: z.infer<typeof checkErrorSchema> | null;
  failedAssertions: unknown[];
  /** The check type's own measures, when it reports any. */
  details?: CheckDetail[];
}

export const resultsAnswerSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  refused: z.array(z.object({ index: z.number().int().nonnegative(), reason: z.string() })),
});
export type ResultsAnswer = z.infer<typeof resultsAnswerSchema>;
