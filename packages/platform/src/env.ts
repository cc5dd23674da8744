import { z } from 'zod';

/** `"true"` / `"false"` only; anything else is an error, never a silent coercion. */
export const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true');
export const port = z.coerce.number().int().min(1).max(65_535);
export const regionList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'regions are lowercase letters, digits and dashes'),
      )
      .min(1),
  );

/** Settings every app reads. */
export const baseEnvShape = {
  DATABASE_URL: z.string().url(),
  // One of the two: a single Redis server, or the seed nodes of a Redis Cluster (which wins).
  REDIS_URL: z.string().url().optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each node is host:port')).min(1))
    .transform((nodes) =>
      nodes.map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
      }),
    )
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('sm'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REGIONS: regionList.default(['local']),
  NODE_ENV: z.string().default('development'),
};

export class EnvError extends Error {}

/** Parses `source` (normally `process.env`) once at start-up; the error names every bad variable. */
export function parseEnv<S extends z.ZodRawShape>(shape: S, source: Record<string, string | undefined>) {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const data = result.data as Record<string, unknown>;
  if ('REDIS_URL' in shape && !data.REDIS_URL && !data.REDIS_CLUSTER_NODES) {
    throw new EnvError(
      'invalid configuration:\n  REDIS_URL: Required (or REDIS_CLUSTER_NODES for a Redis Cluster)',
    );
  }
  return result.data;
}
