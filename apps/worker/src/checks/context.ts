import type { CheckOutcome, CheckSpec } from '@sentinelmesh/core';

/** What a check needs from the worker that runs it. */
export interface CheckContext {
  region: string;
  userAgent: string;
  /** Private, loopback and link-local targets are allowed (the target guard reads it). */
  allowPrivateTargets: boolean;
  /** The wall clock, for assertions on certificate expiry. */
  now: () => Date;
}

/** One check type: runs the spec and describes what happened; never throws. */
export type CheckRunner = (spec: CheckSpec, ctx: CheckContext) => Promise<CheckOutcome>;
