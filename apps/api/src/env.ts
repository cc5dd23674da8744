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
  // Requests per minute per credential (access token user or API key); 0 turns the limit off.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  // Login and signup attempts per minute per client address, and logins per account; 0 turns them off.
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  MAX_MONITORS_PER_ORG: z.coerce.number().int().min(0).default(0),
  // How often this API process refreshes the hourly rollups (plain Postgres only); 0: never.
  ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  // Trust X-Forwarded-For from a proxy in front (the client address limits are keyed by).
  TRUST_PROXY: booleanString.default(false),
};

export type ApiEnv = ReturnType<typeof parseApiEnv>;

/** Parses the API's settings once at start-up; throws an EnvError naming every bad variable. */
export function parseApiEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(apiEnvShape, source);
}
