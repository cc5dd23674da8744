import { z } from 'zod';
import { checkDetailSchema, checkErrorSchema, checkKinds, MAX_CHECK_DETAILS } from './check-result';
import { checkSpecSchema } from './check-types';
import { regionName } from './schemas/monitor-fields';

/**
 * The wire protocol between a probe and the API's probe gateway (ADR 0030, docs/probes.md): every
 * request carries `Authorization: Bearer smp_…`; both sides validate with these schemas.
 */

/** Probe tokens: `smp_` + 43 base64url characters (256 random bits); only their SHA-256 is stored. */
export const PROBE_TOKEN_PREFIX = 'smp_';
export const PROBE_TOKEN = /^smp_[A-Za-z0-9_-]{43}$/;

/** The longest a poll is held open when no slot is due. */
export const PROBE_POLL_WAIT_MS = 20_000;
/** The most results one POST /v1/probe/results may carry. */
export const PROBE_MAX_RESULTS_PER_POST = 1_000;
/** A result checked further than this ahead of the gateway's clock is refused. */
export const PROBE_MAX_CLOCK_AHEAD_MS = 60_000;

const isoTime = z.iso.datetime({ offset: true });
const finite = z.number().finite();

/** GET /v1/probe/session */
export const probeSessionSchema = z.object({
  probeId: z.uuid(),
  region: regionName,
  organizationId: z.uuid().nullable(),
  allowPrivateTargets: z.boolean(),
  serverTime: isoTime,
  pollWaitMs: z.number().int().positive(),
  maxResultsPerPost: z.number().int().positive(),
});
export type ProbeSession = z.infer<typeof probeSessionSchema>;

export const probeStatsSchema = z.strictObject({
  checksPerSecond: finite.min(0).max(1e7),
  lagP99Ms: finite.min(0).max(1e9),
  heldResults: z.number().int().min(0).max(1e9),
  droppedResults: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type ProbeStats = z.infer<typeof probeStatsSchema>;

/** POST /v1/probe/poll */
export const probePollBodySchema = z.strictObject({
  version: z.string().min(1).max(64),
  stats: probeStatsSchema,
});
export type ProbePollBody = z.infer<typeof probePollBodySchema>;

export const probeSlotSchema = z.object({
  monitorId: z.uuid(),
  scheduledAt: isoTime,
  kind: z.enum(checkKinds),
  attempt: z.number().int().min(0),
  /** Core's CheckSpec with its secrets filled in: it travels only in this TLS response. */
  spec: checkSpecSchema,
});
export type ProbeSlot = z.infer<typeof probeSlotSchema>;

export const probePollResponseSchema = z.object({
  serverTime: isoTime,
  checks: z.array(probeSlotSchema),
});
export type ProbePollResponse = z.infer<typeof probePollResponseSchema>;

const nullableMs = finite.min(0).max(1e9).nullable();

export const probeResultSchema = z.strictObject({
  monitorId: z.uuid(),
  scheduledAt: isoTime,
  checkedAt: isoTime,
  kind: z.enum(checkKinds),
  attempt: z.number().int().min(0).max(1_000),
  ok: z.boolean(),
  statusCode: z.number().int().min(0).max(999).nullable(),
  latencyMs: nullableMs,
  phases: z.strictObject({
    dnsMs: nullableMs,
    connectMs: nullableMs,
    tlsMs: nullableMs,
    ttfbMs: nullableMs,
    transferMs: nullableMs,
  }),
  certExpiresAt: isoTime.nullable(),
  error: checkErrorSchema.extend({ message: z.string().max(4_000) }).nullable(),
  failedAssertions: z
    .array(
      z.object({
        source: z.string().max(64),
        path: z.string().max(1_000).optional(),
        op: z.string().max(32),
        expected: z.unknown(),
        actual: z.unknown(),
      }),
    )
    .max(100),
  /** The check type's own measures (stored bounded, as a worker's). */
  details: z.array(checkDetailSchema).max(MAX_CHECK_DETAILS).optional(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

/** POST /v1/probe/results */
export const probeResultsBodySchema = z.strictObject({
  results: z.array(probeResultSchema).min(1).max(PROBE_MAX_RESULTS_PER_POST),
});

export const probeResultsResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  refused: z.array(z.object({ index: z.number().int(), reason: z.string() })),
});
export type ProbeResultsResponse = z.infer<typeof probeResultsResponseSchema>;
