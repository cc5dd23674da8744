import { baseEnvShape, parseEnv } from '@sentinelmesh/platform';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const schedulerEnvShape = {
  ...baseEnvShape,
  OPS_PORT: int(0, 65_535).default(3011),
  HOST: z.string().min(1).default('127.0.0.1'),
  SHARDS: int(1, 4096).default(16),
  LOOKAHEAD_MS: int(250, 600_000).default(3000),
  RESYNC_SECONDS: int(1, 86_400).default(30),
  LEASE_TTL_MS: int(1000, 600_000).default(10_000),
  /**
   * A stable name for this scheduler (e.g. a StatefulSet pod name). Restarted under the same name it
   * takes its shards back at once instead of after the lease time. Never give two live schedulers
   * the same name; unset, every process gets a random one.
   */
  SCHEDULER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, underscore or dash, at most 64')
    .optional(),
};

export type SchedulerEnv = ReturnType<typeof loadSchedulerEnv>;

/** The scheduler's settings, parsed once at start-up. */
export function loadSchedulerEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(schedulerEnvShape, source);
}
