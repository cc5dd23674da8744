import { baseEnvShape, booleanString, parseEnv, secretsKeySchema } from '@sentinelmesh/platform';
import { z } from 'zod';

export const apiEnvShape = {
  ...baseEnvShape,
  // 0 asks the OS for a free port (tests and the local launcher).
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  SECRETS_KEY: secretsKeySchema,
  SIGNUP_ENABLED: booleanString.default(true),
  MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1),
  ALLOW_PRIVATE_TARGETS: booleanString.default(false),
  DASHBOARD_ORIGIN: z.string().url().default('http://localhost:3000'),
  COOKIE_SECURE: booleanString.default(false),
};

export type ApiEnv = ReturnType<typeof parseApiEnv>;

/** Parses the API's settings once at start-up; throws an EnvError naming every bad variable. */
export function parseApiEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(apiEnvShape, source);
}
