import { regionName } from '@sentinelmesh/core';
import { baseEnvShape, booleanString, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';

export const workerEnvShape = {
  ...baseEnvShape,
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(3012),
  HOST: z.string().min(1).default('127.0.0.1'),
  REGION: regionName.default('local'),
  /** Opens monitors' sealed secrets (header values, URL credentials) for the checks that need them. */
  SECRETS_KEY: secretsKeySchema,
  /** Checks running at once, across all the jobs taken. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * Jobs taken at once: a scheduled batch holds up to 500 checks spread over up to a second, and is
   * held until its slowest check ends. Unset: WORKER_CONCURRENCY + 64.
   */
  WORKER_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).optional(),
  /** How soon the jobs of a worker that died are run again. */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  ALLOW_PRIVATE_TARGETS: booleanString.default(false),
  /** Browser checks running at once, each with its own Chromium and script process; 0 runs none. */
  BROWSER_CONCURRENCY: z.coerce.number().int().min(0).max(16).default(1),
  /** The Chromium browser checks launch (Debian's package by default). */
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /**
   * One RDAP server for every domain expiry check (a monitor's own server still wins); unset: each
   * registry's server from IANA's bootstrap file. The deployment's own, so the target guard does not judge it.
   */
  RDAP_BASE_URL: z.string().url().optional(),
};

export type WorkerEnv = ReturnType<typeof loadWorkerEnv>;

/** The worker's settings, parsed once at start-up. */
export function loadWorkerEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(workerEnvShape, source);
}
