import { z } from 'zod';

export const errorKinds = [
  'dns',
  'connect',
  'tls',
  'timeout',
  'http_status',
  'assertion',
  'blocked_target',
  'internal',
] as const;
export type ErrorKind = (typeof errorKinds)[number];
export const checkKinds = ['scheduled', 'confirmation'] as const;
export type CheckKind = (typeof checkKinds)[number];

export interface CheckPhases {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  transferMs: number | null;
}

export const emptyPhases: CheckPhases = {
  dnsMs: null,
  connectMs: null,
  tlsMs: null,
  ttfbMs: null,
  transferMs: null,
};

export interface FailedAssertion {
  source: string;
  path?: string;
  op: string;
  expected: unknown;
  actual: unknown;
}

export interface CheckError {
  kind: ErrorKind;
  message: string;
}

/** What running one check produced, before it is tied to a slot. */
export interface CheckOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  phases: CheckPhases;
  certExpiresAt: string | null;
  error: CheckError | null;
  failedAssertions: FailedAssertion[];
}

/** One immutable fact: a check of a monitor for one slot in one region. */
export interface CheckResult extends CheckOutcome {
  orgId: string;
  monitorId: string;
  scheduledAt: Date;
  checkedAt: Date;
  region: string;
  kind: CheckKind;
  attempt: number;
}

export const checkErrorSchema = z.object({ kind: z.enum(errorKinds), message: z.string() });
