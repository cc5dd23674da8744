import { z } from 'zod';

export const errorKinds = [
  'dns',
  'connect',
  'tls',
  'timeout',
  'http_status',
  'assertion',
  'blocked_target',
  'protocol',
  'auth',
  'query',
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

/** The units a check detail's value can be in. */
export const checkDetailUnits = ['ms', 's', 'days', 'percent', 'bytes', 'count'] as const;
export type CheckDetailUnit = (typeof checkDetailUnits)[number];

/**
 * One measure a check type reports beyond the phases, in the order it reports them: a ping's RTT
 * min/avg/max and loss, each step of a multi-step check, a page's Web Vitals, days of registration left.
 */
export interface CheckDetail {
  label: string;
  value: number | string | boolean | null;
  unit?: CheckDetailUnit;
}

/** A check's details are bounded before they are stored: at most this many, with these lengths. */
export const MAX_CHECK_DETAILS = 40;
export const MAX_DETAIL_LABEL = 80;
export const MAX_DETAIL_TEXT = 200;

export const checkDetailSchema = z.object({
  label: z.string().min(1).max(MAX_DETAIL_LABEL),
  value: z.union([z.number(), z.string().max(MAX_DETAIL_TEXT), z.boolean(), z.null()]),
  unit: z.enum(checkDetailUnits).optional(),
});

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function boundValue(value: CheckDetail['value']): CheckDetail['value'] {
  if (typeof value === 'string') return clip(value, MAX_DETAIL_TEXT);
  // JSON has no NaN or Infinity.
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** A check's details cut to the stored bounds (the first MAX_CHECK_DETAILS, labels and text shortened). */
export function boundDetails(details: readonly CheckDetail[] | undefined): CheckDetail[] {
  if (!details) return [];
  return details.slice(0, MAX_CHECK_DETAILS).map((d) => ({
    label: clip(d.label, MAX_DETAIL_LABEL),
    value: boundValue(d.value),
    ...(d.unit ? { unit: d.unit } : {}),
  }));
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
  /** The type's own measures, when it reports any (stored in the result's `details`). */
  details?: CheckDetail[];
  /** A PNG of the page when a browser check failed (stored apart from the result, size-bounded). */
  screenshot?: Uint8Array;
}

/** The largest screenshot stored with a result; a larger one is dropped (the result says so). */
export const MAX_SCREENSHOT_BYTES = 1024 * 1024;

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
